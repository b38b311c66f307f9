package words

// State is the word for one of billing's statuses, payment states or
// ledger kinds, for a sentence that names it ("Invoice INV-1 is paid.").
func State[S ~string](s S) Text {
	if t, ok := states[string(s)]; ok {
		return t
	}
	return Text(s)
}

var states = map[string]Text{
	"draft":           "draft",
	"unpaid":          "unpaid",
	"paid":            "paid",
	"cancelled":       "cancelled",
	"refunded":        "refunded",
	"created":         "created",
	"awaiting_action": "awaiting action",
	"processing":      "processing",
	"succeeded":       "succeeded",
	"failed":          "failed",
	"expired":         "expired",
	"deposit":         "deposit",
	"voucher":         "voucher",
	"credit_applied":  "credit applied",
	"adjustment":      "adjustment",
	"reversal":        "reversal",
	// Bank statement lines, and how staff resolved them.
	"pending":            "pending",
	"matched":            "matched",
	"queued":             "queued",
	"resolved":           "resolved",
	"assigned":           "assigned",
	"shortfall_accepted": "shortfall accepted",
	"credited":           "credited",
	"not_ours":           "not ours",
}
