#!/usr/bin/env bash
# The multi-process deployment on this machine: N Streamlit processes behind nginx, one store.
#   deploy/run_multi.sh [N]      (make run-multi; N defaults to the number of CPU cores, at least 2)
# Environment: PORT (nginx, default 8501), LISTEN (default 0.0.0.0), BASE_PORT (first Streamlit
# process, default 8601), PARK_DB (the store), PARK_RUN_DIR (nginx files and logs, default .run/).
# Each Streamlit process listens on 127.0.0.1 only; PARK_SHARED=1 makes it read the store's published
# snapshot (analytics/shared.py) and write through the store's lock; PARK_BEHIND_PROXY=1 makes the
# login throttle trust nginx's X-Real-IP. Ctrl-C stops nginx and every process.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-$(nproc)}"; [ "$N" -lt 2 ] && N=2
PORT="${PORT:-8501}"; LISTEN="${LISTEN:-0.0.0.0}"; BASE_PORT="${BASE_PORT:-8601}"
RUN="$(realpath -m "${PARK_RUN_DIR:-.run}")"
PY=.venv/bin/python
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "需要 nginx（apt-get install nginx）"; exit 1; }
mkdir -p "$RUN"
export PARK_SHARED=1 PARK_BEHIND_PROXY=1
$PY -m analytics init
$PY -m analytics.shared publish

pids=()
stop() { trap - INT TERM EXIT; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait || true; }
trap stop INT TERM EXIT
ups=""
for i in $(seq 0 $((N - 1))); do
  p=$((BASE_PORT + i))
  $PY -m streamlit run app.py --server.address 127.0.0.1 --server.port "$p" --server.headless true \
      --server.fileWatcherType none > "$RUN/streamlit-$p.log" 2>&1 &
  pids+=($!)
  ups="$ups        server 127.0.0.1:$p max_fails=0;\n"
done
sed -e "s|@RUN@|$RUN|g" -e "s|@PORT@|$PORT|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@UPSTREAMS@|$ups|" \
    deploy/nginx.conf.template > "$RUN/nginx.conf"
for i in $(seq 0 $((N - 1))); do   # wait until every process answers
  until curl -sf "http://127.0.0.1:$((BASE_PORT + i))/_stcore/health" >/dev/null; do sleep 0.5; done
done
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -g "daemon off;" &
pids+=($!)
echo "园区经济运行看板：http://$LISTEN:$PORT （$N 个服务进程，nginx 按访问者地址分配；日志在 $RUN/）"
wait -n "${pids[@]}"
