package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/store"
)

// The sandbox checkout stands in for a PSP's hosted payment page: the app
// opens it in the system browser, the customer approves or declines, and
// the result reaches the ledger only through a signed callback, exactly as
// a real gateway's would.

var checkoutPage = template.Must(template.New("checkout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Gateway}} sandbox checkout</title>
<style>
body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0002}
h1{font-size:1.2rem;margin:0 0 .25rem} .amount{font-size:2rem;font-weight:700;margin:.75rem 0}
.muted{color:#5b6475;font-size:.9rem} label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #b8bfcc;border-radius:6px}
.row{display:flex;gap:.75rem;margin-top:1.25rem} button{flex:1;padding:.75rem;font-size:1rem;border-radius:6px;border:0;cursor:pointer}
.approve{background:#1a7f37;color:#fff} .decline{background:#e4e7ec;color:#1d2330}
.msg{padding:.75rem;border-radius:6px;margin-top:1rem} .ok{background:#dff5e3} .bad{background:#fde2e1} .info{background:#e5efff}
table{font-size:.85rem;margin-top:1rem;border-collapse:collapse} td{padding:.15rem .5rem .15rem 0}
</style></head><body><main>
<p class="muted">SANDBOX — no real money moves</p>
<h1>{{.Gateway}} · {{.Invoice}}</h1>
<div class="amount">{{.Amount}}</div>
{{if .Message}}<div class="msg {{.MessageClass}}">{{.Message}}</div>{{end}}
{{if .Open}}
<form method="post">
{{if .Card}}
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" value="{{.CardNumber}}" placeholder="4242 4242 4242 4242">
{{if .Challenge}}<label for="challenge_code">3-D Secure code from your bank</label>
<input id="challenge_code" name="challenge_code" inputmode="numeric" autocomplete="one-time-code" placeholder="123456">{{end}}
{{end}}
<div class="row"><button class="approve" name="action" value="approve">{{if .Card}}Pay{{else}}Log in and pay{{end}}</button>
<button class="decline" name="action" value="decline">Cancel</button></div>
</form>
{{if .Card}}<table><tr><td colspan="2" class="muted">Test cards</td></tr>
<tr><td>4242 4242 4242 4242</td><td>succeeds</td></tr>
<tr><td>4000 0027 6000 3184</td><td>3-D Secure (code 123456)</td></tr>
<tr><td>4000 0000 0000 0002</td><td>declined</td></tr></table>{{end}}
{{else}}<p class="muted">You can close this window and return to Billfold.</p>{{end}}
</main></body></html>`))

type checkoutView struct {
	Gateway, Invoice, Amount string
	Message, MessageClass    string
	Open, Card, Challenge    bool
	CardNumber               string
}

func (s *Server) checkoutPayment(tx *store.Tx, token string) (paymentRow, api.Invoice, error) {
	list, err := s.scanPayments(tx, `WHERE checkout_token = ?`, token)
	if err != nil {
		return paymentRow{}, api.Invoice{}, err
	}
	if len(list) == 0 || token == "" {
		return paymentRow{}, api.Invoice{}, errNotFound
	}
	inv, err := s.customerInvoice(tx, list[0].customerID, list[0].InvoiceID)
	return list[0], inv, err
}

func (s *Server) view(pay paymentRow, inv api.Invoice) checkoutView {
	v := checkoutView{Invoice: inv.Number, Amount: billing.Format(pay.Amount), Card: pay.Gateway == "card", Challenge: pay.challenge}
	if g, ok := s.gateways.Lookup(pay.Gateway); ok {
		v.Gateway = g.Info().Name
	}
	switch pay.State {
	case billing.PaymentAwaitingAction, billing.PaymentCreated:
		v.Open = true
		if pay.challenge {
			v.Message, v.MessageClass = "Your bank asks you to confirm this payment (3-D Secure).", "info"
		}
	case billing.PaymentSucceeded:
		v.Message, v.MessageClass = "Payment complete. Thank you!", "ok"
	case billing.PaymentProcessing:
		v.Message, v.MessageClass = "Payment is being processed.", "info"
	default:
		v.Message, v.MessageClass = "This checkout is closed: "+string(pay.State)+". "+pay.FailureReason, "bad"
	}
	return v
}

func renderCheckout(w http.ResponseWriter, status int, v checkoutView) {
	var buf bytes.Buffer
	if err := checkoutPage.Execute(&buf, v); err != nil {
		http.Error(w, "render checkout", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func checkoutNotFound(w http.ResponseWriter) {
	renderCheckout(w, http.StatusNotFound, checkoutView{Gateway: "Checkout", Message: "This checkout link is not valid.", MessageClass: "bad"})
}

func (s *Server) handleCheckoutPage(w http.ResponseWriter, r *http.Request) {
	var pay paymentRow
	var inv api.Invoice
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		pay, inv, err = s.checkoutPayment(tx, r.PathValue("token"))
		return err
	})
	if errors.Is(err, errNotFound) {
		checkoutNotFound(w)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	renderCheckout(w, http.StatusOK, s.view(pay, inv))
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// handleCheckoutSubmit is the customer's answer on the checkout page (or a
// script's: form field action=approve|decline, card_number, challenge_code).
func (s *Server) handleCheckoutSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	action := r.PostForm.Get("action")
	if action != "approve" && action != "decline" {
		http.Error(w, "action must be approve or decline", http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	cid, err := s.paymentCustomer(r.Context(), "checkout_token = ?", token)
	if err != nil {
		if wantsJSON(r) {
			s.fail(w, r, err)
		} else {
			checkoutNotFound(w)
		}
		return
	}
	var pay paymentRow
	var inv api.Invoice
	var webhook *api.Webhook
	var callback []byte
	result := api.SandboxResult{}
	cardNumber := r.PostForm.Get("card_number")
	err = s.db.WriteTx(r.Context(), cid, func(tx *store.Tx) (err error) {
		if pay, inv, err = s.checkoutPayment(tx, token); err != nil {
			return err
		}
		result.PaymentID = pay.ID
		switch {
		case pay.State == billing.PaymentExpired:
			_, err = tx.Exec(`UPDATE payments SET state = 'expired', failure_reason = 'checkout expired', updated_at = ? WHERE id = ?`, micro(s.now()), pay.ID)
			result.Status = "expired"
			return err
		case pay.State != billing.PaymentAwaitingAction:
			result.Status = string(pay.State)
			return nil
		case inv.Status != billing.InvoiceUnpaid:
			webhook = &api.Webhook{Outcome: "failed", Reason: "invoice is no longer payable"}
		default:
			outcome, reason := gateway.Decide(pay.Gateway, action, cardNumber, r.PostForm.Get("challenge_code"))
			switch outcome {
			case gateway.OutcomeChallenge:
				result.Status, result.Message = string(outcome), reason
				pay.challenge = true
				_, err = tx.Exec(`UPDATE payments SET card_challenge = 1, updated_at = ? WHERE id = ?`, micro(s.now()), pay.ID)
				return err
			case gateway.OutcomeInvalidCardNumber:
				result.Status, result.Message = string(outcome), reason
				return nil
			case gateway.OutcomeSucceeded:
				webhook = &api.Webhook{Outcome: "succeeded"}
			default:
				webhook = &api.Webhook{Outcome: "failed", Reason: reason}
			}
		}
		webhook.EventID, webhook.PaymentID = auth.NewID("evt_"), pay.ID
		if callback, err = json.Marshal(webhook); err != nil {
			return fmt.Errorf("encode callback: %w", err)
		}
		// The callback is owed from the moment the payment says
		// 'processing': both are committed together, so whatever happens
		// before its delivery, retryCallbacks still has it to deliver.
		if _, err = tx.Exec(`INSERT INTO sandbox_callbacks (event_id, body, created_at) VALUES (?, ?, ?)`,
			webhook.EventID, string(callback), micro(s.now())); err != nil {
			return fmt.Errorf("store callback: %w", err)
		}
		if _, err = tx.Exec(`UPDATE payments SET state = 'processing', updated_at = ? WHERE id = ?`, micro(s.now()), pay.ID); err != nil {
			return fmt.Errorf("mark payment processing: %w", err)
		}
		return s.emitPayment(tx, pay.customerID, pay.ID)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if webhook != nil {
		// The PSP tells the merchant through its signed callback; deliver it
		// through the same path an external delivery takes. A customer who
		// closes the page now must not cut the completion off, so it does
		// not end with the request. If it fails all the same, the payment
		// stays 'processing' until retryCallbacks delivers the callback.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), callbackTimeout)
		_, err = s.processWebhook(ctx, callback, s.SignWebhook(callback))
		cancel()
		switch {
		case err != nil:
			s.log.WarnContext(r.Context(), "sandbox callback failed; it will be retried", "event", webhook.EventID, "err", err)
			result.Status, result.Message = string(billing.PaymentProcessing), "The payment is being processed."
		case webhook.Outcome == "succeeded":
			result.Status = "succeeded"
		default:
			result.Status, result.Message = "declined", webhook.Reason
		}
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, result)
		return
	}
	_ = s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		pay, inv, err = s.checkoutPayment(tx, token)
		return err
	})
	v := s.view(pay, inv)
	v.CardNumber = cardNumber
	if result.Status == string(gateway.OutcomeInvalidCardNumber) {
		v.Message, v.MessageClass = "Use one of the test card numbers below.", "bad"
	}
	renderCheckout(w, http.StatusOK, v)
}

func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ack, err := s.processWebhook(r.Context(), body, r.Header.Get("Billfold-Signature"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ack)
}

// processWebhook verifies and applies a gateway callback. Each event id is
// processed once; a repeated delivery (PSPs retry until acknowledged) is
// acknowledged as a duplicate without touching anything.
func (s *Server) processWebhook(ctx context.Context, body []byte, signature string) (api.WebhookAck, error) {
	if err := gateway.Verify(s.opts.WebhookSecret, body, signature, s.now()); err != nil {
		return api.WebhookAck{}, problem(http.StatusUnauthorized, api.CodeUnauthorized, "The callback signature is not valid.")
	}
	var hook api.Webhook
	if err := decodeStrict(body, &hook); err != nil {
		return api.WebhookAck{}, err
	}
	if hook.EventID == "" || hook.PaymentID == "" || (hook.Outcome != "succeeded" && hook.Outcome != "failed") {
		return api.WebhookAck{}, fieldProblem(http.StatusBadRequest, "outcome", "invalid", "event_id, payment_id and outcome (succeeded|failed) are required")
	}
	cid, err := s.paymentCustomer(ctx, "id = ?", hook.PaymentID)
	if err != nil {
		return api.WebhookAck{}, err
	}
	ack := api.WebhookAck{Status: "processed"}
	err = s.db.WriteTx(ctx, cid, func(tx *store.Tx) error {
		// A callback the sandbox owes is settled by the transaction that
		// processes it, so it is retried exactly until it has been.
		if _, err := tx.Exec(`DELETE FROM sandbox_callbacks WHERE event_id = ?`, hook.EventID); err != nil {
			return fmt.Errorf("settle owed callback: %w", err)
		}
		var seen string
		err := tx.QueryRow(`SELECT event_id FROM gateway_events WHERE event_id = ?`, hook.EventID).Scan(&seen)
		if err == nil {
			ack.Status = "duplicate"
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("webhook dedupe: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO gateway_events (event_id, payment_id, created_at) VALUES (?, ?, ?)`,
			hook.EventID, hook.PaymentID, micro(s.now())); err != nil {
			return fmt.Errorf("record webhook: %w", err)
		}
		changed, err := s.completePayment(tx, hook.PaymentID, hook.Outcome == "succeeded", hook.Reason, "")
		if err == nil && !changed {
			ack.Status = "duplicate"
		}
		return err
	})
	return ack, err
}

// callbackTimeout bounds the delivery of a sandbox callback at checkout.
const callbackTimeout = 10 * time.Second

// callbackRetryAfter is how long a sandbox callback may stay owed before
// retryCallbacks delivers it again, and how often it looks.
const callbackRetryAfter = 30 * time.Second

// retryCallbacks delivers the sandbox callbacks still owed callbackRetryAfter
// after their checkout: the delivery at checkout failed (a database error,
// a timeout, the process stopped between the two transactions). A repeat is
// harmless: processWebhook handles an event id once, and a payment that is
// already final is left alone, so the credit lands exactly once.
func (s *Server) retryCallbacks(ctx context.Context) error {
	type owed struct{ eventID, body string }
	var list []owed
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT event_id, body FROM sandbox_callbacks WHERE created_at <= ? ORDER BY created_at`,
			micro(s.now().Add(-callbackRetryAfter)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o owed
			if err := rows.Scan(&o.eventID, &o.body); err != nil {
				return err
			}
			list = append(list, o)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("list owed callbacks: %w", err)
	}
	var errs []error
	for _, o := range list {
		body := []byte(o.body)
		if _, err := s.processWebhook(ctx, body, s.SignWebhook(body)); err != nil {
			errs = append(errs, fmt.Errorf("retry callback %s: %w", o.eventID, err))
		}
	}
	return errors.Join(errs...)
}
