package session

import (
	"fmt"
	"os"

	"billfold/apiclient"
)

// CAFileEnv names the variable with a PEM bundle of certificate
// authorities to trust, for a billing server whose certificate a private
// (company) CA issued. Certificates are verified either way.
const CAFileEnv = "BILLFOLD_CA_FILE"

// ClientOptions are the API client options of the app and of the archive
// command, taken from the environment (CAFileEnv).
func ClientOptions() (apiclient.Options, error) {
	var o apiclient.Options
	if path := os.Getenv(CAFileEnv); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return o, fmt.Errorf("%s: %w", CAFileEnv, err)
		}
		o.CACertificates = pem
	}
	return o, nil
}
