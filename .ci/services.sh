# Sourced by .ci/run: system packages and services the service tests need (Debian, as root).
# - PostgreSQL for the `postgres` tests: installed when missing, started, a test database
#   made, and NETRUIMTE_PG_URL exported.
# - Chromium for the `browser` tests (Playwright drives /usr/bin/chromium).
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
as_postgres() { if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
need=()
[ -n "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null)" ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${pg_version} main$"; then
  $SUDO pg_createcluster "${pg_version}" main >/dev/null
fi
$SUDO pg_ctlcluster "${pg_version}" main start 2>/dev/null || $SUDO pg_ctlcluster "${pg_version}" main status >/dev/null
for _ in $(seq 1 30); do
  as_postgres pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
as_postgres psql -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE netruimte LOGIN PASSWORD ''netruimte'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'netruimte')\gexec
SELECT 'CREATE DATABASE netruimte_test OWNER netruimte'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'netruimte_test')\gexec
SQL
export NETRUIMTE_PG_URL="postgresql+psycopg://netruimte:netruimte@127.0.0.1:5432/netruimte_test"
echo "PostgreSQL ${pg_version} ready: NETRUIMTE_PG_URL=${NETRUIMTE_PG_URL}"
