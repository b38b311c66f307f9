package servertest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// StartCPUMeter starts counting CPU time for a benchmark; the function it
// returns reports what this process (client and server) and, on
// PostgreSQL, the database cluster's processes used since the start. The
// database's share is 0 where it cannot be read: it needs the cluster on
// this machine and a role allowed to read data_directory (the throwaway
// cluster of scripts/with-postgres.sh).
func StartCPUMeter(e *Env) func() (own, db time.Duration) {
	dir := dataDirectory(e.DSN)
	own0, db0 := processCPU(), clusterCPU(dir)
	return func() (time.Duration, time.Duration) {
		return processCPU() - own0, clusterCPU(dir) - db0
	}
}

func dataDirectory(dsn string) string {
	if dsn == "" {
		return ""
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return ""
	}
	defer db.Close()
	var dir string
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, `SHOW data_directory`).Scan(&dir); err != nil {
		return ""
	}
	return dir
}

// clusterCPU sums the user and system time of the postmaster whose data
// directory is dir and of its children (backends, WAL writer,
// checkpointer), in clock ticks of 10 ms.
func clusterCPU(dir string) time.Duration {
	if dir == "" {
		return 0
	}
	pidFile, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	master := strings.SplitN(string(pidFile), "\n", 2)[0]
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime(14) stime(15); comm may hold spaces.
		s := string(b)
		rest := s[strings.LastIndexByte(s, ')')+2:]
		f := strings.Fields(rest)
		pid := strings.Fields(s)[0]
		if len(f) < 13 || (pid != master && f[1] != master) {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
