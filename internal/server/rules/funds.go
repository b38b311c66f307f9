package rules

import (
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// AddFundsDueIn is how long an add-funds invoice stays payable.
const AddFundsDueIn = 7 * 24 * time.Hour

// Config is the billing configuration of an account in currency c, its
// texts (the credit policy's summary, the gateways) in lang. A policy
// summary the catalogue has no translation of is served as written.
func (s *Service) Config(c billing.Currency, lang words.Lang) api.Config {
	l := s.cfg.Limits[c]
	policy := s.cfg.Policy
	policy.Summary = lang.T(words.Text(policy.Summary))
	return api.Config{
		Currency:                c,
		MinDeposit:              billing.New(l.MinDeposit, c),
		MaxDeposit:              billing.New(l.MaxDeposit, c),
		MaxBalance:              billing.New(l.MaxBalance, c),
		MaxOpenAddFundsInvoices: max(s.cfg.MaxOpenAddFunds, 0),
		CreditPolicy:            policy,
		SupportURL:              s.cfg.SupportURL,
		Gateways:                s.cfg.Gateways.For(c, lang),
		Seller:                  s.cfg.Seller,
	}
}

// Summary is the customer's available credit, unpaid and overdue invoices
// and open add-funds invoice.
func (s *Service) Summary(tx *store.Tx, customerID string) (api.Summary, error) {
	u, balance, err := s.customer(tx, customerID)
	if err != nil {
		return api.Summary{}, err
	}
	now := s.now()
	unpaid, err := tx.UnpaidInvoices(u.ID, now)
	if err != nil {
		return api.Summary{}, err
	}
	c := u.Currency
	sum := api.Summary{CustomerID: u.ID, AvailableCredit: billing.New(balance, c), AsOf: store.Time(now),
		UnpaidCount: unpaid.Count, OverdueCount: unpaid.Overdue, UnpaidTotal: billing.New(unpaid.Due, c)}
	open, err := tx.OpenAddFundsInvoice(u.ID)
	if err != nil {
		return api.Summary{}, err
	}
	if open != nil {
		v := s.invoiceView(*open)
		sum.OpenAddFunds = &v
	}
	return sum, nil
}

// AddFundsInput is a request to add funds: its shape here, the rules that
// depend on the account's state in AddFunds.
type AddFundsInput api.AddFundsRequest

// Clean checks that every field is there.
func (in AddFundsInput) Clean() (AddFundsInput, error) {
	var fields []problem.FieldError
	if in.Amount.Currency == "" {
		fields = append(fields, problem.Field("amount", "required", "is required"))
	} else if in.Amount.Amount <= 0 {
		fields = append(fields, problem.Field("amount.amount", "not_positive", "must be greater than zero"))
	}
	if strings.TrimSpace(in.Gateway) == "" {
		fields = append(fields, problem.Field("gateway", "required", "is required"))
	}
	if strings.TrimSpace(in.PolicyVersion) == "" {
		fields = append(fields, problem.Field("policy_version", "required", "is required: the customer must accept the credit policy"))
	}
	if len(fields) > 0 {
		return in, problem.InvalidFields(fields...)
	}
	return in, nil
}

// AddFunds opens an add-funds invoice for the customer, in a transaction
// that holds the account's lock.
func (s *Service) AddFunds(tx *store.Tx, customerID string, in AddFundsInput) (api.Invoice, error) {
	in, err := in.Clean()
	if err != nil {
		return api.Invoice{}, err
	}
	u, balance, err := s.customer(tx, customerID)
	if err != nil {
		return api.Invoice{}, err
	}
	c := u.Currency
	lim := s.cfg.Limits[c]
	if in.Amount.Currency != c {
		return api.Invoice{}, problem.OnField(api.CodeCurrencyMismatch, "amount.currency", "This account is billed in %s.", c)
	}
	if in.PolicyVersion != s.cfg.Policy.Version {
		return api.Invoice{}, problem.OnField(api.CodePolicyVersion, "policy_version",
			"The credit policy changed (now version %s). Review it and try again.", s.cfg.Policy.Version)
	}
	g, ok := s.cfg.Gateways.Lookup(in.Gateway)
	if !ok || !g.Supports(c) {
		return api.Invoice{}, problem.OnField(api.CodeGatewayUnavailable, "gateway", "Gateway %q is not available for %s accounts.", in.Gateway, c)
	}
	if in.Amount.Amount < lim.MinDeposit {
		return api.Invoice{}, problem.OnField(api.CodeBelowMinimum, "amount.amount", "The minimum deposit is %s.", billing.Format(billing.New(lim.MinDeposit, c)))
	}
	if in.Amount.Amount > lim.MaxDeposit {
		return api.Invoice{}, problem.OnField(api.CodeAboveMaximum, "amount.amount", "The maximum deposit is %s.", billing.Format(billing.New(lim.MaxDeposit, c)))
	}
	if s.cfg.MaxOpenAddFunds > 0 {
		open, err := tx.CountOpenAddFunds(u.ID)
		if err != nil {
			return api.Invoice{}, err
		}
		if open >= s.cfg.MaxOpenAddFunds {
			return api.Invoice{}, problem.New(api.CodeOpenInvoiceExists,
				"An add-funds invoice is already waiting for payment. Pay or cancel it first.")
		}
	}
	if err := s.headroomFor(balance, in.Amount, "amount.amount"); err != nil {
		return api.Invoice{}, err
	}
	now := s.now()
	return s.Issue(tx, NewInvoice{
		Customer: u, Kind: billing.KindAddFunds, Issued: now, Due: now.Add(AddFundsDueIn),
		Gateway: g.Info().ID, PolicyVersion: in.PolicyVersion,
		Lines: []api.InvoiceLine{{Description: DepositLine(u.Locale), Quantity: 1, UnitPrice: in.Amount}},
	})
}

// headroomFor refuses a deposit of amount that would take balance above
// the account currency's maximum balance; field names the amount.
func (s *Service) headroomFor(balance int64, amount billing.Money, field string) error {
	if limit, room, ok := s.underCap(balance, amount); !ok {
		return problem.OnField(api.CodeBalanceLimit, field,
			"Your credit may not exceed %s; you can add at most %s.", billing.Format(limit), billing.Format(room))
	}
	return nil
}

// DepositLine is the line of an add-funds invoice, in the customer's language.
func DepositLine(locale string) string {
	if words.ForLocale(locale) == words.Japanese {
		return "アカウントクレジットのチャージ（前受金・不課税）"
	}
	return "Account credit deposit (prepayment, not taxable)"
}
