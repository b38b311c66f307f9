package clocale

import "testing"

func TestIsCodesetC(t *testing.T) {
	for loc, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true, "C@euro": true,
		"C": false, "POSIX": false, "": false, // go-locale handles these
		"en_US.UTF-8": false, "ja_JP.UTF-8": false, "Ca.UTF-8": false, "ca_ES.UTF-8": false,
	} {
		if got := isCodesetC(loc); got != want {
			t.Errorf("isCodesetC(%q) = %v, want %v", loc, got, want)
		}
	}
}

func TestMessagesLocalePrecedence(t *testing.T) {
	env := map[string]string{"LANG": "ja_JP.UTF-8", "LC_MESSAGES": "C.UTF-8"}
	if got := messagesLocale(func(k string) string { return env[k] }); got != "C.UTF-8" {
		t.Fatalf("LC_MESSAGES over LANG: %q", got)
	}
	env["LC_ALL"] = "en_GB.UTF-8"
	if got := messagesLocale(func(k string) string { return env[k] }); got != "en_GB.UTF-8" {
		t.Fatalf("LC_ALL over everything: %q", got)
	}
}
