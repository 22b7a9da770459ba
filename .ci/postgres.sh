# Sourced by .ci/run: starts a throwaway PostgreSQL cluster on loopback for the KV tests
# (PostgresJdbcKvStoreTests) and exports WORKERLOADER_TEST_PG_URL, _USER and _PASSWORD.
# Installs Debian's postgresql package when no initdb is found. The cluster lives in a
# temporary directory and is stopped and removed when the calling script exits.

find_pg_bindir() {
	local found=""
	for dir in /usr/lib/postgresql/*/bin; do
		if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
			found="$dir"
		fi
	done
	echo "$found"
}

start_test_postgres() {
	local bindir
	bindir="$(find_pg_bindir)"
	if [ -z "$bindir" ]; then
		install_packages postgresql
		bindir="$(find_pg_bindir)"
	fi
	if [ -z "$bindir" ]; then
		echo "PostgreSQL is not available: the PostgreSQL KV tests will be skipped"
		return 0
	fi
	PG_TEST_DIR="$(mktemp -d /tmp/workerloader-pg.XXXXXX)"
	local port=$((55432 + RANDOM % 1000))
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	# initdb refuses to run as root: run the cluster as the postgres user (or nobody).
	PG_AS=()
	if [ "$(id -u)" -eq 0 ]; then
		local owner=postgres
		id "$owner" >/dev/null 2>&1 || owner=nobody
		chown "$owner" "$PG_TEST_DIR"
		PG_AS=(runuser -u "$owner" --)
	fi
	PG_BINDIR="$bindir"
	${PG_AS[@]+"${PG_AS[@]}"} "$bindir/initdb" -D "$PG_TEST_DIR/data" -U workerloader --auth=trust -E UTF8 --no-locale >"$PG_TEST_DIR/initdb.log" 2>&1 \
		|| { cat "$PG_TEST_DIR/initdb.log"; return 1; }
	${PG_AS[@]+"${PG_AS[@]}"} "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR -c fsync=off" start >/dev/null \
		|| { cat "$PG_TEST_DIR/server.log"; return 1; }
	trap stop_test_postgres EXIT
	export WORKERLOADER_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/postgres"
	export WORKERLOADER_TEST_PG_USER=workerloader
	export WORKERLOADER_TEST_PG_PASSWORD=""
	echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') for the KV tests on 127.0.0.1:$port"
}

stop_test_postgres() {
	if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
		${PG_AS[@]+"${PG_AS[@]}"} "$PG_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$PG_TEST_DIR"
	fi
}
