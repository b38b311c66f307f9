package archive

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"billfold/api"
	"billfold/internal/anchor"
	"billfold/internal/invoicepdf"
)

// SyncOptions tune Sync. Zero values take the defaults.
type SyncOptions struct {
	// Customers are the customer ids to archive with a staff session
	// (StaffRawInvoices). Empty: the signed-in customer's own invoices.
	Customers []string
	// Workers render and write invoices in parallel (8: rendering is CPU
	// work, but every file's fsync waits on the disk, so more workers than
	// cores keep the CPUs busy).
	Workers int
	// PageSize is the number of invoices per list request (500).
	PageSize int
	// BatchSize is the most invoices committed to the index in one
	// transaction (100); a batch is also committed after 250 ms.
	BatchSize int
	// Progress, when set, is called with the number of invoices handled
	// (archived or found unchanged) and the number listed: first after the
	// listing, then after every committed batch. It is called from the
	// goroutine running Sync, never concurrently; a UI must hand it to its
	// own thread (fyne.Do).
	Progress func(done, total int)
	// PDF are the renderer's options (bank-transfer instructions).
	PDF invoicepdf.Options
}

// SyncResult counts what a sync did.
type SyncResult struct {
	Listed    int // invoices the server listed
	New       int // invoices archived for the first time
	Changed   int // invoices archived as a new version
	Unchanged int // invoices whose JSON matched the latest version
	Failed    []Failure
	// Marked are invoices archived with characters the PDF's font lacks
	// (an emoji in a name): their JSON is exact, their PDF shows
	// invoicepdf.MissingMark there. Err is the first such character's
	// *invoicepdf.MissingGlyphError.
	Marked []Failure
}

// Failure is an invoice that could not be archived (the others were), or
// in SyncResult.Marked one that was archived with a mark.
type Failure struct {
	InvoiceID string
	Number    string
	Err       error
}

// Sync fetches every invoice of src's account (or, for staff, of
// opts.Customers) and archives the new ones and, as a new version, the
// changed ones: an invoice has changed when the SHA-256 of its JSON differs
// from its latest archived version's. Files are written before the index
// records them, so an interrupted sync leaves at most complete files the
// index does not know yet, and the next sync completes the work. On
// cancellation the invoices already written are committed and ctx's error
// is returned. The first sync makes the signed-in account the folder's
// owner; a sync by another account is refused with an *OwnerError. One
// Sync runs at a time; Verify waits for it, Search does not.
func (a *Archive) Sync(ctx context.Context, src InvoiceSource, opts SyncOptions) (SyncResult, error) {
	if a.readOnly {
		return SyncResult{}, errReadOnly
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 500
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	me, err := src.Account(ctx)
	if err != nil {
		return SyncResult{}, fmt.Errorf("archive: who is signed in: %w", err)
	}
	if err := a.Claim(ctx, me); err != nil {
		return SyncResult{}, err
	}
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	// An append that failed in an earlier sync of this open archive (a
	// full disk) left the file short of the index, or with a torn line:
	// mended here, not only when the folder is opened, since the app keeps
	// it open across syncs, and appending after the gap broke the chain
	// for good.
	if err := a.repairAuditFile(ctx); err != nil {
		return SyncResult{}, err
	}
	pub, err := a.pinKey(ctx, src)
	if err != nil {
		return SyncResult{}, err
	}
	customers := opts.Customers
	if len(customers) == 0 {
		customers = []string{""} // the account's own
	}
	res, err := a.sync(ctx, src, me, customers, pub, opts)
	if ctx.Err() == nil {
		// What was archived is anchored, even when some invoices failed.
		if aerr := a.anchorHead(ctx, src, pub, me); aerr != nil && err == nil {
			err = aerr
		}
	}
	return res, err
}

// known is what the index holds about an invoice before a sync.
type known struct {
	base    string
	latest  int
	jsonSum string
}

// job is one invoice to archive.
type job struct {
	id      string
	number  string
	raw     []byte
	sum     string
	base    string
	version int
}

// done is a job's outcome.
type done struct {
	job
	inv     api.Invoice
	pdfSum  string
	dir     string
	jsonRel string // where the files went, relative to the archive folder
	pdfRel  string
	marked  error // the first character the PDF could not draw
	failure error
}

// sync lists and archives; the caller holds syncMu.
func (a *Archive) sync(ctx context.Context, src InvoiceSource, me Owner, customers []string, pub ed25519.PublicKey, opts SyncOptions) (SyncResult, error) {
	var res SyncResult
	state, err := a.loadKnown(ctx)
	if err != nil {
		return res, err
	}
	bases := map[string]bool{}
	for _, k := range state {
		bases[strings.ToLower(k.base)] = true
	}

	// List everything first: the total is then known, and unchanged
	// invoices cost nothing more.
	var jobs []job
	seen := map[string]bool{}
	for _, customer := range customers {
		// Whose invoices this listing must hold: the signature says only
		// that the server issued an invoice, not that it is this account's,
		// and a server (or a proxy replaying another account's answers)
		// must not file one customer's invoice in another's archive.
		whose := customer
		if whose == "" {
			whose = me.UserID
		}
		cursor := ""
		// A listing ends at its last page, or where a cursor comes again:
		// a source going round in a circle must not keep Sync busy.
		cursors := map[string]bool{cursor: true}
		for {
			page, err := src.InvoicePage(ctx, customer, cursor, opts.PageSize)
			if err != nil {
				return res, fmt.Errorf("archive: list invoices: %w", err)
			}
			for _, raw := range page.Items {
				var head struct {
					ID         string `json:"id"`
					Number     string `json:"number"`
					CustomerID string `json:"customer_id"`
					IssuedAt   string `json:"issued_at"`
					Language   string `json:"language"`
				}
				if err := json.Unmarshal(raw, &head); err != nil || head.ID == "" {
					return res, fmt.Errorf("archive: list invoices: an item without an id: %v", err)
				}
				if seen[head.ID] {
					continue
				}
				seen[head.ID] = true
				res.Listed++
				if head.CustomerID != whose {
					res.Failed = append(res.Failed, Failure{InvoiceID: head.ID, Number: head.Number,
						Err: fmt.Errorf("it is customer %q's invoice, not %q's", head.CustomerID, whose)})
					continue
				}
				var issued time.Time // none: filed under year 0001, as before
				if head.IssuedAt != "" {
					issued, err = time.Parse(time.RFC3339Nano, head.IssuedAt)
				}
				if err != nil {
					// This invoice cannot be filed under its year; the
					// others still can (one bad date failed every sync).
					res.Failed = append(res.Failed, Failure{InvoiceID: head.ID, Number: head.Number,
						Err: fmt.Errorf("its issue date %q is no date", head.IssuedAt)})
					continue
				}
				s := sha256.Sum256(raw)
				j := job{id: head.ID, number: head.Number, raw: raw, sum: hex.EncodeToString(s[:])}
				if k, ok := state[head.ID]; ok {
					if k.jsonSum == j.sum {
						res.Unchanged++
						continue
					}
					j.base, j.version = k.base, k.latest+1
				} else {
					j.base, j.version = newBase(bases, head.Number, head.ID, issueDate(issued, head.Language)), 1
				}
				jobs = append(jobs, j)
			}
			if page.NextCursor == "" || cursors[page.NextCursor] {
				break
			}
			cursor = page.NextCursor
			cursors[cursor] = true
		}
	}
	progress := func() {
		if opts.Progress != nil {
			opts.Progress(res.Unchanged+res.New+res.Changed+len(res.Failed), res.Listed)
		}
	}
	progress()
	if len(jobs) == 0 {
		return res, nil
	}

	// Render and write in parallel; commit from this goroutine. A failed
	// commit stops the workers through work's cancellation.
	outer := ctx
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	jobCh := make(chan job)
	doneCh := make(chan done, opts.Workers*2)
	go func() {
		defer close(jobCh)
		for _, j := range jobs {
			select {
			case jobCh <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	dirs := &dirMaker{root: a.dir, made: map[string]bool{}}
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Go(func() {
			for j := range jobCh {
				if ctx.Err() != nil {
					continue
				}
				doneCh <- a.prepare(j, dirs, pub, opts.PDF)
			}
		})
	}
	go func() { wg.Wait(); close(doneCh) }()

	var batch []done
	var commitErr error
	flush := func() {
		if len(batch) == 0 || commitErr != nil {
			batch = batch[:0]
			return
		}
		// Commit even when ctx is cancelled: the files are written.
		if err := a.commit(context.WithoutCancel(ctx), batch); err != nil {
			commitErr = err
			stop()
		} else {
			for _, d := range batch {
				if d.version == 1 {
					res.New++
				} else {
					res.Changed++
				}
				if d.marked != nil {
					res.Marked = append(res.Marked, Failure{InvoiceID: d.id, Number: d.number, Err: d.marked})
				}
			}
			progress()
		}
		batch = batch[:0]
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for open := true; open; {
		select {
		case d, ok := <-doneCh:
			if !ok {
				open = false
				break
			}
			if d.failure != nil {
				res.Failed = append(res.Failed, Failure{InvoiceID: d.id, Number: d.number, Err: d.failure})
				continue
			}
			batch = append(batch, d)
			if len(batch) >= opts.BatchSize {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
	flush()
	switch {
	case commitErr != nil:
		return res, commitErr
	case outer.Err() != nil:
		return res, fmt.Errorf("archive: sync interrupted: %w", outer.Err())
	case len(res.Failed) > 0:
		f := res.Failed[0]
		return res, fmt.Errorf("archive: %d of %d invoices could not be archived; %s: %w", len(res.Failed), res.Listed, f.Number, f.Err)
	}
	return res, nil
}

// loadKnown reads the latest version of every archived invoice.
func (a *Archive) loadKnown(ctx context.Context) (map[string]known, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT i.id, i.base, i.latest, v.json_sha256 FROM invoices i
		JOIN versions v ON v.invoice_id = i.id AND v.version = i.latest`)
	if err != nil {
		return nil, fmt.Errorf("archive: read index: %w", err)
	}
	defer rows.Close()
	m := map[string]known{}
	for rows.Next() {
		var id string
		var k known
		if err := rows.Scan(&id, &k.base, &k.latest, &k.jsonSum); err != nil {
			return nil, err
		}
		if !localPath(k.base) {
			return nil, fmt.Errorf("archive: the index names %q for invoice %s, outside the folder: it was changed; run verify", k.base, id)
		}
		m[id] = k
	}
	return m, rows.Err()
}

// newBase picks "<year>/<name>" for a new invoice, unique (ignoring case,
// for case-insensitive file systems) within the archive. The name comes
// from the invoice number (else its id, else "invoice"): whatever the
// server sent, it is a visible, bounded file name inside the year's folder.
func newBase(used map[string]bool, number, id, date string) string {
	name := fileName(number)
	if name == "" {
		name = fileName(id)
	}
	if name == "" {
		name = "invoice"
	}
	year := date[:4] + "/"
	base := year + name
	if used[strings.ToLower(base)] {
		base = year + boundName(name+"-"+safeName(id))
	}
	for i := 2; used[strings.ToLower(base)]; i++ {
		base = year + boundName(name+"-"+strconv.Itoa(i))
	}
	used[strings.ToLower(base)] = true
	return base
}

// maxNameLen bounds the part of a file name taken from an invoice number,
// leaving room in the 255 bytes most file systems allow for the version
// and hash suffixes (".v12.0123456789ab.json") and for a path under
// Windows' traditional 260 characters.
const maxNameLen = 64

// fileName is safeName of s, bounded to maxNameLen, and never a name
// Windows reserves for a device.
func fileName(s string) string {
	name := boundName(safeName(s))
	if windowsReserved(name) {
		name += "_"
	}
	return name
}

// boundName cuts a name longer than maxNameLen and appends 12 hex digits
// of its SHA-256, so that long numbers sharing a beginning stay apart.
func boundName(name string) string {
	if len(name) <= maxNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:maxNameLen-13] + "-" + hex.EncodeToString(sum[:6])
}

// windowsReserved reports device names (CON, NUL, COM1, …), which Windows
// refuses as file names whatever their extension.
func windowsReserved(name string) bool {
	switch u := strings.ToUpper(name); u {
	case "CON", "PRN", "AUX", "NUL":
		return true
	default:
		return len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '1' && u[3] <= '9'
	}
}

// safeName keeps letters, digits, '-' and '_' of an invoice number; the
// rest becomes '_'. Dots are replaced too, so that ".v2" stays ours and no
// name is hidden, "." or "..". Leading and trailing '_' go.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// versionStem is the version's file name without extension: v1 has no
// version mark of its own.
func versionStem(base string, version int) string {
	if version > 1 {
		base += ".v" + strconv.Itoa(version)
	}
	return base
}

// dirMaker creates year folders once, durably.
type dirMaker struct {
	root string
	mu   sync.Mutex
	made map[string]bool
}

func (m *dirMaker) ensure(rel string) (string, error) {
	abs := filepath.Join(m.root, filepath.FromSlash(rel))
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.made[rel] {
		return abs, nil
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.Mkdir(abs, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return "", err
		}
		if err := syncDir(m.root); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	case !fi.IsDir():
		// A link to a folder elsewhere would take the invoices out of the
		// archive, with verify none the wiser.
		return "", fmt.Errorf("%s is not a plain folder (%s)", rel, fi.Mode().Type())
	}
	m.made[rel] = true
	return abs, nil
}

// prepare checks one invoice's signature, renders it and writes its
// files. An invoice the server's key did not sign is not archived: it
// would fail every verify.
func (a *Archive) prepare(j job, dirs *dirMaker, pub ed25519.PublicKey, pdfOpts invoicepdf.Options) done {
	d := done{job: j}
	if err := anchor.Verify(pub, anchor.Invoice, j.raw); err != nil {
		d.failure = fmt.Errorf("the server's signature: %w", err)
		return d
	}
	if err := json.Unmarshal(j.raw, &d.inv); err != nil {
		d.failure = fmt.Errorf("decode: %w", err)
		return d
	}
	// A character the font lacks is drawn as a mark and noted: the
	// invoice is archived all the same, its JSON exact.
	pdfOpts.OnMissing = func(field string, r rune) {
		if d.marked == nil {
			d.marked = &invoicepdf.MissingGlyphError{Field: field, Rune: r}
		}
	}
	pdf, err := invoicepdf.Render(d.inv, pdfOpts)
	if err != nil {
		d.failure = err
		return d
	}
	s := sha256.Sum256(pdf)
	d.pdfSum = hex.EncodeToString(s[:])
	d.dir = path.Dir(j.base)
	dir, err := dirs.ensure(d.dir)
	if err != nil {
		d.failure = fmt.Errorf("create folder: %w", err)
		return d
	}
	// The version's own names, or, when one of them holds something else
	// (an index restored from an older backup, a file put there by hand),
	// names with a hash of both files' content in them: nothing is ever
	// replaced. A file with exactly this content, left by an interrupted
	// sync, is adopted.
	stem := versionStem(j.base, j.version)
	both := sha256.Sum256([]byte(j.sum + d.pdfSum))
	for _, stem := range []string{stem, stem + "." + hex.EncodeToString(both[:6])} {
		d.jsonRel, d.pdfRel = stem+".json", stem+".pdf"
		err = writeNew(dir, path.Base(d.jsonRel), j.raw)
		if err == nil {
			err = writeNew(dir, path.Base(d.pdfRel), pdf)
		}
		if !errors.Is(err, errTaken) {
			break
		}
	}
	if err != nil {
		d.failure = fmt.Errorf("write %s: %w", stem, err)
	}
	return d
}

// commit makes a batch's renames durable, then records the versions and
// their audit records in one transaction, then appends the records to
// audit.jsonl.
func (a *Archive) commit(ctx context.Context, batch []done) error {
	dirs := map[string]bool{}
	for _, d := range batch {
		dirs[d.dir] = true
	}
	for dir := range dirs {
		if err := syncDir(a.abs(dir)); err != nil {
			return fmt.Errorf("archive: sync folder %s: %w", dir, err)
		}
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: index: %w", err)
	}
	defer tx.Rollback()
	seq, prev, err := auditHead(ctx, tx)
	if err != nil {
		return fmt.Errorf("archive: index: %w", err)
	}
	insAudit, err := tx.PrepareContext(ctx, `INSERT INTO audit (seq, hash, line) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	insVersion, err := tx.PrepareContext(ctx, `INSERT INTO versions (invoice_id, version, status, json_path, json_sha256,
		pdf_path, pdf_sha256, archived_at, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO invoices (id, customer_id, number, base, latest, status, currency, total,
		issued_at, issue_date, due_date, paid_date, seller, buyer, buyer_company, counterparty)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, number = excluded.number, latest = excluded.latest,
		status = excluded.status, currency = excluded.currency, total = excluded.total, issued_at = excluded.issued_at,
		issue_date = excluded.issue_date, due_date = excluded.due_date, paid_date = excluded.paid_date, seller = excluded.seller,
		buyer = excluded.buyer, buyer_company = excluded.buyer_company, counterparty = excluded.counterparty`)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	lines := make([][]byte, 0, len(batch))
	for _, d := range batch {
		seq++
		rec := AuditRecord{Seq: seq, Time: now, Action: ActionArchive, InvoiceID: d.id, Number: d.inv.Number,
			Version: d.version, Status: d.inv.Status, JSONPath: d.jsonRel, JSONSHA256: d.sum, PDFPath: d.pdfRel, PDFSHA256: d.pdfSum}
		line := rec.seal(prev)
		prev = rec.Hash
		if _, err := insAudit.ExecContext(ctx, seq, rec.Hash, string(line)); err != nil {
			return fmt.Errorf("archive: index: %w", err)
		}
		if _, err := insVersion.ExecContext(ctx, d.id, d.version, string(d.inv.Status), d.jsonRel, d.sum, d.pdfRel, d.pdfSum,
			now.Format(time.RFC3339Nano), seq); err != nil {
			return fmt.Errorf("archive: index %s v%d: %w", d.inv.Number, d.version, err)
		}
		e := searchEntryOf(d.inv)
		if _, err := upsert.ExecContext(ctx, d.id, e.CustomerID, e.Number, d.base, d.version, e.Status, e.Currency, e.Total,
			e.IssuedAt, e.IssueDate, e.DueDate, e.PaidDate, e.Seller, e.Buyer, e.BuyerCompany, e.Counterparty); err != nil {
			return fmt.Errorf("archive: index %s: %w", e.Number, err)
		}
		lines = append(lines, line)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: index: %w", err)
	}
	if err := a.appendAuditLines(lines); err != nil {
		return err
	}
	return a.noteAuditFileLines(ctx, seq)
}

// searchEntry is what the index's invoices table holds about an invoice
// for search and export, all of it derived from the latest version's JSON
// (which Verify recomputes and compares).
type searchEntry struct {
	CustomerID, Number, Status, Currency      string
	Total                                     int64
	IssuedAt, IssueDate, DueDate, PaidDate    string
	Seller, Buyer, BuyerCompany, Counterparty string
}

func searchEntryOf(inv api.Invoice) searchEntry {
	paid := ""
	if inv.PaidAt != nil {
		paid = issueDate(*inv.PaidAt, inv.Language)
	}
	return searchEntry{
		CustomerID: inv.CustomerID, Number: inv.Number, Status: string(inv.Status), Currency: string(inv.Currency),
		Total:    inv.Total.Amount,
		IssuedAt: inv.IssuedAt.UTC().Format(time.RFC3339Nano), IssueDate: issueDate(inv.IssuedAt, inv.Language),
		DueDate: issueDate(inv.DueAt, inv.Language), PaidDate: paid,
		Seller: inv.Seller.Name, Buyer: inv.Buyer.Name, BuyerCompany: inv.Buyer.Company,
		Counterparty: fold(inv.Seller.Name + "\n" + inv.Buyer.Name + "\n" + inv.Buyer.Company),
	}
}

// jst is Japan Standard Time (no daylight saving time since 1951).
var jst = time.FixedZone("JST", 9*60*60)

// issueDate is the calendar date printed on the invoice: Asia/Tokyo for
// Japanese invoices, UTC for others, as invoicepdf does.
func issueDate(t time.Time, lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "ja" || strings.HasPrefix(l, "ja-") || strings.HasPrefix(l, "ja_") {
		return t.In(jst).Format(time.DateOnly)
	}
	return t.UTC().Format(time.DateOnly)
}
