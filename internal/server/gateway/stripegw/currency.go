package stripegw

import (
	"fmt"
	"strings"

	"billfold/billing"
)

// stripeCurrency describes how Stripe takes amounts in a currency
// (docs.stripe.com/currencies): its minor-unit digits, which must equal
// Billfold's for the amount to pass through unchanged, and the smallest and
// largest charge. JPY is zero-decimal in both; USD and EUR have cents in both.
type stripeCurrency struct {
	decimals int
	min, max int64 // minor units
}

// Stripe takes at most eight digits in an amount; the minimum charge is
// $0.50, €0.50 and ¥50.
var stripeCurrencies = map[billing.Currency]stripeCurrency{
	billing.JPY: {decimals: 0, min: 50, max: 99_999_999},
	billing.USD: {decimals: 2, min: 50, max: 99_999_999},
	billing.EUR: {decimals: 2, min: 50, max: 99_999_999},
}

// toStripeAmount returns the amount and lowercase currency code Stripe
// expects for m, or why Stripe would refuse it.
func toStripeAmount(m billing.Money) (int64, string, error) {
	sc, ok := stripeCurrencies[m.Currency]
	if !ok || sc.decimals != m.Currency.Decimals() {
		return 0, "", fmt.Errorf("%w: Stripe checkout does not take %s", ErrInvalidCheckout, m.Currency)
	}
	if m.Amount < sc.min || m.Amount > sc.max {
		return 0, "", fmt.Errorf("%w: Stripe takes %s amounts from %s to %s, not %s", ErrInvalidCheckout, m.Currency,
			billing.Format(billing.New(sc.min, m.Currency)), billing.Format(billing.New(sc.max, m.Currency)), billing.Format(m))
	}
	return m.Amount, strings.ToLower(string(m.Currency)), nil
}

// fromStripeAmount reads an amount Stripe reported. A currency Billfold
// does not know keeps its code, so that the comparison with the payment
// fails and says which currency came.
func fromStripeAmount(amount int64, currency string) billing.Money {
	c := billing.Currency(strings.ToUpper(currency))
	return billing.New(amount, c)
}
