package rules

import (
	"crypto/ed25519"
	"regexp"

	"billfold/api"
	"billfold/internal/anchor"
	"billfold/internal/server/problem"
)

// Invoices are signed as they leave the server, never as they are
// stored: an invoice issued in a transaction has its number only once the
// transaction commits (on PostgreSQL, store.Tx.NextInvoiceNumber), and the
// event and the stored response written with it carry a stand-in the
// database replaces. So the read path signs each invoice it shows
// (invoiceView), the event stream each invoice an event carries
// (EventsAfter), and a money-moving request its invoice answer, fresh or
// replayed (SignInvoiceJSON).

// signInvoice sets v's signature (internal/anchor) over the invoice as the
// API shows it. An invoice that cannot be signed (it cannot happen for the
// API's types) goes out unsigned and is logged: the archive reports it.
func (s *Service) signInvoice(v *api.Invoice) {
	v.Signature = ""
	sig, err := anchor.SignValue(s.cfg.SigningKey, anchor.Invoice, v)
	if err != nil {
		s.cfg.Log.Error("sign invoice", "invoice", v.ID, "err", err)
		return
	}
	v.Signature = sig
}

// SignInvoiceJSON returns the JSON of an unsigned invoice with its
// signature as of its content now. Bytes that are no unsigned JSON object
// are returned as they are, logged: the archive reports an invoice left
// unsigned.
func (s *Service) SignInvoiceJSON(body []byte) []byte {
	sig, err := anchor.Sign(s.cfg.SigningKey, anchor.Invoice, body)
	if err != nil {
		s.cfg.Log.Error("sign invoice: not an unsigned invoice", "err", err)
		return body
	}
	return anchor.Attach(body, sig)
}

// SigningKey is the public half of the server's signing key.
func (s *Service) SigningKey() api.SigningKey {
	pub := s.publicKey()
	return api.SigningKey{Algorithm: anchor.Algorithm, PublicKey: anchor.EncodeKey(pub), KeyID: anchor.KeyID(pub)}
}

var chainHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ArchiveHeadInput is an archive's chain head to sign.
type ArchiveHeadInput api.ArchiveHeadRequest

// Clean refuses what is no chain head: the server signs only a count and
// a SHA-256, never text of the client's choosing.
func (in ArchiveHeadInput) Clean() (ArchiveHeadInput, error) {
	if in.Seq < 1 {
		return in, problem.InvalidField("seq", "invalid", "must be the number of records in the chain, at least 1")
	}
	if !chainHash.MatchString(in.Head) {
		return in, problem.InvalidField("head", "invalid", "must be a SHA-256 in 64 lower-case hexadecimal digits")
	}
	return in, nil
}

// SignArchiveHead signs the statement that the signed-in account presented
// an archive whose audit chain had in.Seq records ending in in.Head, now.
// The server cannot see the archive: what it attests is the time and the
// account, which is what makes a later rewrite of the chain detectable.
func (s *Service) SignArchiveHead(p Principal, in ArchiveHeadInput) (api.ArchiveHead, error) {
	h := api.ArchiveHead{Account: p.User.ID, Seq: in.Seq, Head: in.Head, SignedAt: s.now().UTC(), KeyID: anchor.KeyID(s.publicKey())}
	sig, err := anchor.SignValue(s.cfg.SigningKey, anchor.ArchiveHead, h)
	if err != nil {
		return api.ArchiveHead{}, err
	}
	h.Signature = sig
	return h, nil
}

func (s *Service) publicKey() ed25519.PublicKey { return s.cfg.SigningKey.Public().(ed25519.PublicKey) }
