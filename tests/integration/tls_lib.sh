# Test certificates for the https webhook tests (sourced after lib.sh).
#
# make_certs DIR: a CA (DIR/ca.pem), and keys and certificates in DIR:
#   srv   signed by the CA for localhost and 127.0.0.1
#   other signed by the CA for elsewhere.example only
#   self  self-signed for localhost and 127.0.0.1 (no CA vouches for it)
# and makes the CA the only one the notifier trusts (SSL_CERT_FILE, and an
# empty SSL_CERT_DIR).
make_certs() {
  local d=$1 k
  command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 77; }
  for k in ca srv self other; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$k.key" 2>/dev/null
  done
  openssl req -x509 -key "$d/ca.key" -days 2 -subj /CN=ratify-test-ca -out "$d/ca.pem"
  s_signed "$d" srv DNS:localhost,IP:127.0.0.1
  s_signed "$d" other DNS:elsewhere.example
  openssl req -x509 -key "$d/self.key" -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -out "$d/self.pem"
  mkdir -p "$d/no-cas"
  export SSL_CERT_FILE=$d/ca.pem SSL_CERT_DIR=$d/no-cas
}
# s_signed DIR NAME SUBJECT_ALT_NAMES: a certificate for key NAME signed by the CA
s_signed() {
  openssl req -new -key "$1/$2.key" -subj "/CN=$2" -out "$1/$2.csr"
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial -days 2 \
    -extfile <(printf 'subjectAltName=%s\n' "$3") -out "$1/$2.pem" 2>/dev/null
}
