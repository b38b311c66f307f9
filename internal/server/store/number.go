package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Invoice numbers: one gap-free series per year, INV-2026-000001 onwards,
// kept in the counters table.
//
// Every invoice of every customer takes the next number from the same
// counter row, whose lock the taking transaction holds until it commits.
// On PostgreSQL the number is therefore taken in the transaction's last
// step: NextInvoiceNumber answers a stand-in text at once and queues the
// counter's update, which goes to the server with the invoice's other
// writes and COMMIT in one round trip; the database puts the number in
// place of the stand-in in every value those writes carry (the invoice's
// number, the event's JSON, the stored response), and Resolve does the
// same for the values the caller still holds once the transaction has
// committed. So the row is locked only while the server runs those few
// statements, never while the client thinks or a request travels, and,
// with the early lock release of Tx.commit, never across a flush.

// invoiceNumber is the number a transaction takes at its commit.
type invoiceNumber struct {
	stand string // what the caller holds until the commit
	value string // the number, once taken
}

// numberSetting is the transaction-local setting that holds the number
// taken, for the statements after the counter's update.
const numberSetting = "billfold.invoice_number"

// NextInvoiceNumber hands out the next number of year's gap-free series.
// The counter row is updated inside the caller's transaction, so a rolled
// back invoice does not burn a number. On PostgreSQL the first number of a
// transaction is a stand-in until the commit (see above): store it only
// through this transaction's writes, and pass what the caller keeps of it
// through Resolve after the commit (an AfterCommit hook).
func (t *Tx) NextInvoiceNumber(year int) (string, error) {
	prefix := fmt.Sprintf("INV-%d-", year)
	name := fmt.Sprintf("invoice-%d", year)
	if t.db.dialect != Postgres || t.number != nil {
		var v int64
		// One statement, so that concurrent transactions queue on the row
		// instead of reading the same value.
		err := t.QueryRow(`INSERT INTO counters (name, value) VALUES (?, 1)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&v)
		return fmt.Sprintf("%s%06d", prefix, v), one(err, "invoice number")
	}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	t.number = &invoiceNumber{stand: prefix + "pending-" + hex.EncodeToString(nonce)}
	t.pending = append(t.pending, queued{what: "invoice number", Statement: Statement{
		SQL: `WITH c AS (INSERT INTO counters (name, value) VALUES ($1, 1)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value)
			SELECT set_config('` + numberSetting + `', $2 || CASE WHEN value < 1000000 THEN lpad(value::text, 6, '0') ELSE value::text END, true) FROM c`,
		Args: []any{name, prefix}, Scan: []any{&t.number.value}}})
	return t.number.stand, nil
}

// Resolve returns b with the stand-in of the invoice number this
// transaction took replaced by the number; after the commit only.
func (t *Tx) Resolve(b []byte) []byte {
	if t.number == nil || t.number.value == "" {
		return b
	}
	return bytes.ReplaceAll(b, []byte(t.number.stand), []byte(t.number.value))
}

// bind rebinds q for the dialect. An argument that holds the stand-in of
// the invoice number is replaced in SQL by the same text with the number
// in its place.
func (t *Tx) bind(q string, args []any) Statement {
	wrap := map[int]string{}
	if t.number != nil {
		for i, a := range args {
			switch v := a.(type) {
			case string:
				if strings.Contains(v, t.number.stand) {
					wrap[i] = `replace(%s, %s, current_setting('` + numberSetting + `'))`
				}
			case []byte:
				if bytes.Contains(v, []byte(t.number.stand)) {
					wrap[i] = `convert_to(replace(convert_from(%s, 'UTF8'), %s, current_setting('` + numberSetting + `')), 'UTF8')`
				}
			}
		}
	}
	if len(wrap) == 0 {
		return Statement{SQL: t.db.rebind(q), Args: args}
	}
	stand := "$" + strconv.Itoa(len(args)+1)
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		p := "$" + strconv.Itoa(n+1)
		if w, ok := wrap[n]; ok {
			p = fmt.Sprintf(w, p, stand)
		}
		b.WriteString(p)
		n++
	}
	return Statement{SQL: b.String(), Args: append(args[:len(args):len(args)], t.number.stand)}
}
