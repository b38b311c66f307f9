// Package anchor is the outside anchor of the offline archive's tamper
// evidence: the billing server signs what it issues with its Ed25519 key
// (each invoice, and each archive's audit-chain head when the archive
// syncs), and the archive checks those signatures offline against the
// server's public key, pinned on its first sync. Someone who can write
// the archive folder can rewrite files and re-hash the audit chain, but
// cannot sign: a changed invoice or a rebuilt chain no longer verifies.
//
// A signed document is a JSON object with a "signature" member: the
// base64 (RFC 4648, standard alphabet, padded) Ed25519 signature of
//
//	<kind> "\n" <the canonical JSON of the object without "signature">
//
// where the kind ("billfold invoice v1", "billfold archive head v1")
// separates the domains, so that no signature of one kind of document can
// be passed off as another kind's, and the canonical form (Canonical) makes
// the signature independent of how a writer spaced, ordered or escaped the
// JSON. The object is signed and verified as it travels: the archive keeps
// the server's bytes and checks them as they are.
//
// The server, the client and the archive share this package; it imports
// nothing of theirs.
package anchor

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Kind names what a signature is about: it is signed with the document.
type Kind string

// Kinds of signed documents.
const (
	Invoice     Kind = "billfold invoice v1"
	ArchiveHead Kind = "billfold archive head v1"
)

// Field is the member of a signed object that holds its signature.
const Field = "signature"

// Algorithm is the signature algorithm's name in the API.
const Algorithm = "Ed25519"

// Errors of Verify.
var (
	ErrUnsigned     = errors.New("anchor: the document carries no signature")
	ErrBadSignature = errors.New("anchor: the signature does not match the document and the server's key")
)

// message is what is signed: the kind, a newline, the canonical JSON.
func message(kind Kind, canon []byte) []byte {
	return append([]byte(string(kind)+"\n"), canon...)
}

// Sign returns the signature of the JSON object doc (which must not have
// a signature member yet) as kind, for its Field.
func Sign(key ed25519.PrivateKey, kind Kind, doc []byte) (string, error) {
	canon, omitted, err := canonical(doc, Field)
	if err != nil {
		return "", err
	}
	if omitted != nil {
		return "", errors.New("anchor: the document is signed already")
	}
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, message(kind, canon))), nil
}

// Attach returns the JSON object doc, which Sign signed as sig, with sig
// as its Field, written last: the signature travels with the bytes that
// were signed, which need not be read and written again.
func Attach(doc []byte, sig string) []byte {
	doc = bytes.TrimRight(doc, " \t\r\n")
	body := doc[:len(doc)-1] // without its closing brace
	out := make([]byte, 0, len(doc)+len(Field)+len(sig)+6)
	out = append(out, body...)
	if len(bytes.Trim(body, " \t\r\n")) > 1 { // more than the opening brace
		out = append(out, ',')
	}
	return append(append(append(out, `"`+Field+`":"`...), sig...), `"}`...)
}

// SignValue is Sign of v's JSON encoding (with its signature field empty
// and omitted).
func SignValue(key ed25519.PrivateKey, kind Kind, v any) (string, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("anchor: %w", err)
	}
	return Sign(key, kind, doc)
}

// Verify checks the signature the JSON object raw carries in its Field
// against pub, as kind: ErrUnsigned when it has none, ErrBadSignature when
// it does not match, another error when raw is no canonicalisable JSON.
func Verify(pub ed25519.PublicKey, kind Kind, raw []byte) error {
	canon, sig, err := canonical(raw, Field)
	if err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	if sig == nil || *sig == "" {
		return ErrUnsigned
	}
	s, err := base64.StdEncoding.DecodeString(*sig)
	if err != nil || len(s) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return ErrBadSignature
	}
	if !ed25519.Verify(pub, message(kind, canon), s) {
		return ErrBadSignature
	}
	return nil
}

// KeyID names a public key: "ed25519:" and the first 16 hex digits of its
// SHA-256. People compare it; the archive pins the whole key.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(sum[:8])
}

// EncodeKey is a public key as the API sends it: base64, standard
// alphabet, padded.
func EncodeKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParseKey reads a public key as EncodeKey writes it.
func ParseKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("anchor: %q is not a base64 Ed25519 public key", s)
	}
	return ed25519.PublicKey(b), nil
}
