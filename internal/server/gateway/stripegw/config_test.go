package stripegw_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"billfold/internal/server/gateway/stripegw"
)

const (
	someKey     = "sk_test_51SecretKeyValue0123"
	someWebhook = "whsec_SigningSecretValue4567"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnv(t *testing.T) {
	c, err := stripegw.ConfigFromEnv(env(map[string]string{
		stripegw.EnvSecretKey: " " + someKey + "\n", stripegw.EnvWebhookSecret: someWebhook,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SecretKey.Reveal() != someKey || c.WebhookSecret.Reveal() != someWebhook || c.APIBase != "https://api.stripe.com" || c.Live() {
		t.Errorf("config %s", c)
	}
	c, err = stripegw.ConfigFromEnv(env(map[string]string{
		stripegw.EnvSecretKey: "rk_live_restricted", stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "http://127.0.0.1:12111",
	}))
	if err != nil || !c.Live() || c.APIBase != "http://127.0.0.1:12111" {
		t.Errorf("config %s: %v", c, err)
	}
}

// TestConfigRefusesBadSettings: each mistake names the variable, and none
// repeats the value that was given.
func TestConfigRefusesBadSettings(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"no key":                     {stripegw.EnvWebhookSecret: someWebhook},
		"publishable key":            {stripegw.EnvSecretKey: "pk_test_Publishable999", stripegw.EnvWebhookSecret: someWebhook},
		"webhook secret as key":      {stripegw.EnvSecretKey: someWebhook, stripegw.EnvWebhookSecret: someWebhook},
		"no webhook secret":          {stripegw.EnvSecretKey: someKey},
		"key as webhook secret":      {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someKey},
		"plain http to another host": {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "http://api.stripe.com"},
		"a path":                     {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "https://api.stripe.com/v1"},
		"credentials in the base":    {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "https://u:p@api.stripe.com"},
		"not a URL":                  {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "api.stripe.com"},
		"ftp":                        {stripegw.EnvSecretKey: someKey, stripegw.EnvWebhookSecret: someWebhook, stripegw.EnvAPIBase: "ftp://127.0.0.1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := stripegw.ConfigFromEnv(env(vars))
			if !errors.Is(err, stripegw.ErrConfig) {
				t.Fatalf("err = %v", err)
			}
			for _, k := range []string{stripegw.EnvSecretKey, stripegw.EnvWebhookSecret} {
				if v := vars[k]; v != "" && bytes.Contains([]byte(err.Error()), []byte(v)) {
					t.Errorf("the error repeats a value: %v", err)
				}
			}
		})
	}
	if _, err := stripegw.New(stripegw.Config{}); !errors.Is(err, stripegw.ErrConfig) {
		t.Errorf("New accepted an empty config: %v", err)
	}
}

// TestSecretsNeverPrinted runs the configuration, its secrets and the
// gateway through every way Go code prints or logs a value.
func TestSecretsNeverPrinted(t *testing.T) {
	cfg := stripegw.Config{SecretKey: stripegw.NewSecret(someKey), WebhookSecret: stripegw.NewSecret(someWebhook), APIBase: stripegw.DefaultAPIBase}
	g, err := stripegw.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, v := range []any{cfg, &cfg, cfg.SecretKey, cfg.WebhookSecret, g, *g} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		fmt.Fprintln(&out, v)
		slog.New(slog.NewJSONHandler(&out, nil)).With("cfg", v).Error("x", "v", v, "group", slog.GroupValue(slog.Any("inner", v)))
		slog.New(slog.NewTextHandler(&out, nil)).Info("x", "v", v)
	}
	for _, v := range []any{cfg.SecretKey, struct{ Key stripegw.Secret }{cfg.SecretKey}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
	}
	fmt.Fprint(&out, cfg.String())
	assertNoSecret(t, "output", out.String(), someKey, someWebhook, "51SecretKeyValue", "SigningSecretValue")
	if !bytes.Contains(out.Bytes(), []byte("[redacted]")) || !bytes.Contains(out.Bytes(), []byte("secret key: set")) {
		t.Errorf("output does not say what is there:\n%s", out.String())
	}
}
