package apiclient_test

import (
	"context"
	"fmt"
	"log"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// A customer signs in, looks at the balance, adds ¥10,000 and pays by card.
func ExampleClient() {
	ctx := context.Background()
	c, err := apiclient.New("https://billing.example.jp", apiclient.Options{
		// Keep the keyring in step with the session ("" means forget it).
		OnRefreshToken: func(refreshToken string) { /* store.Set(ctx, profileID, refreshToken) */ },
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.SignIn(ctx, "hanako@example.jp", "correct horse battery staple"); err != nil {
		if e, ok := apiclient.AsError(err); ok && e.IsUnauthorized() {
			fmt.Println("Wrong e-mail address or password.")
			return
		}
		log.Fatal(err)
	}
	sum, err := c.Summary(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Available credit:", sum.AvailableCredit) // ¥3,500
	cfg, err := c.Config(ctx)
	if err != nil {
		log.Fatal(err)
	}

	// One key per user action: keep it with the pending action, and pass
	// the same key again when the user retries.
	key := apiclient.NewIdempotencyKey()
	inv, err := c.AddFunds(ctx, key, api.AddFundsRequest{
		Amount: billing.New(10_000, billing.JPY), Gateway: "card", PolicyVersion: cfg.CreditPolicy.Version,
	})
	if e, ok := apiclient.AsError(err); ok {
		switch {
		case e.Code == api.CodeBelowMinimum:
			fmt.Println("Below the minimum deposit.") // the app words each code in the user's language
		case e.IsOffline():
			fmt.Println("Offline; try again (the same key makes that safe).")
		}
		return
	}
	p, err := c.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "card"})
	if err != nil {
		log.Fatal(err)
	}
	if p.NextAction.Type == api.ActionRedirect {
		u, err := apiclient.CheckRedirectURL(p.NextAction.URL)
		if err != nil {
			log.Fatal(err) // never open javascript:, file:, data: …
		}
		fmt.Println("Open in the browser:", u)
	}
}
