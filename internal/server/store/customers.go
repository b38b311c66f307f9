package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
)

// Users: customers and staff, with each customer's cached balance (the
// ledger's last balance_after, moved by AppendLedger).

const userColumns = `u.id, u.email, u.name, u.role, u.locale, u.currency, u.company, u.address`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (api.User, error) {
	var u api.User
	var role, cur string
	dest := append(extra, &u.ID, &u.Email, &u.Name, &role, &u.Locale, &cur, &u.Company, &u.Address)
	if err := row.Scan(dest...); err != nil {
		return api.User{}, err
	}
	u.Role, u.Currency = billing.Role(role), billing.Currency(cur)
	return u, nil
}

// NewUser is a user row to insert.
type NewUser struct {
	api.User
	PasswordHash string
	CreatedAt    time.Time
}

// InsertUser adds a user; the e-mail address is stored lower-case.
func (t *Tx) InsertUser(u NewUser) error {
	return t.write("insert user", `INSERT INTO users (id, email, password_hash, name, role, locale, currency, company, address, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, strings.ToLower(u.Email), u.PasswordHash, u.Name, string(u.Role), u.Locale,
		string(u.Currency), u.Company, u.Address, micro(u.CreatedAt))
}

// Customer reads a customer and their balance; ErrNotFound for anyone
// else. Inside a write transaction that holds the account's lock the
// balance is current.
func (t *Tx) Customer(id string) (api.User, int64, error) {
	if a := t.account; a != nil && a.user.ID == id && a.role == string(billing.RoleCustomer) {
		u := a.user
		u.Role, u.Currency = billing.Role(a.role), billing.Currency(a.cur)
		return u, a.balance, nil
	}
	var balance int64
	u, err := scanUser(t.QueryRow(`SELECT u.balance, `+userColumns+` FROM users u WHERE u.id = ? AND u.role = 'customer'`, id), &balance)
	return u, balance, one(err, "load customer")
}

// UserByEmail reads a user and their password hash by (lower-case) e-mail.
func (t *Tx) UserByEmail(email string) (api.User, string, error) {
	var hash string
	u, err := scanUser(t.QueryRow(`SELECT u.password_hash, `+userColumns+` FROM users u WHERE u.email = ?`, email), &hash)
	return u, hash, one(err, "load user")
}

// CountUsers counts every user, staff included.
func (t *Tx) CountUsers() (int, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n)
	return n, one(err, "count users")
}

// SearchCustomers pages through the customers whose e-mail, name or company
// contains q (lower-case, compared case-insensitively), by name then id.
// cursor is "" for the first page, else a NextCursor this method returned.
func (t *Tx) SearchCustomers(q string, limit int, cursor string) ([]api.Customer, string, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	where := `u.role = 'customer' AND (LOWER(u.email) LIKE ? ESCAPE '\' OR LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.company) LIKE ? ESCAPE '\')`
	args := []any{like, like, like}
	if cursor != "" {
		// Keyset pagination on (name, id): stable while customers are added.
		n, id, ok := strings.Cut(cursor, "\x00")
		if !ok {
			return nil, "", ErrBadCursor
		}
		where += ` AND (u.name > ? OR (u.name = ? AND u.id > ?))`
		args = append(args, n, n, id)
	}
	rows, err := t.Query(`SELECT u.balance, `+userColumns+` FROM users u WHERE `+where+` ORDER BY u.name, u.id LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("search customers: %w", err)
	}
	defer rows.Close()
	out := []api.Customer{}
	for rows.Next() {
		var bal int64
		u, err := scanUser(rows, &bal)
		if err != nil {
			return nil, "", fmt.Errorf("scan customer: %w", err)
		}
		out = append(out, api.Customer{ID: u.ID, Email: u.Email, Name: u.Name, Company: u.Company,
			Currency: u.Currency, AvailableCredit: billing.New(bal, u.Currency)})
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("search customers: %w", err)
	}
	out, last := trimPage(out, limit)
	if last == nil {
		return out, "", nil
	}
	return out, last.Name + "\x00" + last.ID, nil
}

// trimPage cuts a page read with one row too many to limit rows, and
// returns the last row kept when there is a next page.
func trimPage[T any](rows []T, limit int) ([]T, *T) {
	if len(rows) <= limit {
		return rows, nil
	}
	return rows[:limit], &rows[limit-1]
}

// int64Cursor reads a cursor that is one decimal number.
func int64Cursor(cursor string) (int64, error) {
	v, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil {
		return 0, ErrBadCursor
	}
	return v, nil
}

// lockedAccount is the row of the account a write transaction locked, as
// read with the lock.
type lockedAccount struct {
	user      api.User
	role, cur string
	balance   int64
}

// lockAccount queues the lock of the account's row, which also reads it,
// so that Customer needs no round trip of its own once the lock has been
// sent (takePending) and until the transaction changes the row
// (AppendLedger). No row (an unknown id) locks nothing; the rules answer
// not_found when they read it.
func (t *Tx) lockAccount(id string) {
	a := &lockedAccount{}
	t.pending = append(t.pending, queued{what: "lock account", Statement: Statement{
		SQL: t.db.rebind(`SELECT u.balance, ` + userColumns + ` FROM users u WHERE u.id = ? FOR NO KEY UPDATE`), Args: []any{id},
		Scan: []any{&a.balance, &a.user.ID, &a.user.Email, &a.user.Name, &a.role, &a.user.Locale, &a.cur, &a.user.Company, &a.user.Address}}})
	t.lockSent = a
}
