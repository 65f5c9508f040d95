#!/usr/bin/env bash
# Builds the image and checks what a deployment relies on: it runs as a non-root user, the server
# answers /healthz, the image's own HEALTHCHECK passes, a signed webhook is accepted and a badly
# signed one refused (401), and the CLI in the image reviews a repository, lock trace included.
#
#   bash scripts/container-smoke.sh            # docker if its daemon answers, else podman
#   CONTAINER=podman bash scripts/container-smoke.sh
#
# Extra flags for `run` (e.g. rootful podman in a nested sandbox) go in CONTAINER_RUN_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${CONTAINER:-}" ]]; then
  if docker info >/dev/null 2>&1; then CONTAINER=docker; elif command -v podman >/dev/null; then CONTAINER=podman; else
    echo "container-smoke: neither a Docker daemon nor podman is available" >&2
    exit 2
  fi
fi
IMAGE=${IMAGE:-migration-review:smoke}
PORT=${SMOKE_PORT:-3917}
SECRET=container-smoke-$RANDOM$RANDOM
NAME=migration-review-smoke-$$
read -r -a RUN_FLAGS <<<"${CONTAINER_RUN_FLAGS:-}"
WORK=$(mktemp -d)
cleanup() {
  "$CONTAINER" rm -f "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "container-smoke: FAIL: $*" >&2
  "$CONTAINER" logs "$NAME" 2>&1 | tail -20 >&2 || true
  exit 1
}

echo "== build ($CONTAINER)"
if [[ $CONTAINER == podman ]]; then
  # Keep HEALTHCHECK: podman's default OCI format drops it.
  podman build --format docker -t "$IMAGE" .
else
  docker build -t "$IMAGE" .
fi

echo "== runs as non-root"
uid=$("$CONTAINER" run --rm "${RUN_FLAGS[@]}" "$IMAGE" id -u)
[[ $uid != 0 ]] || fail "the image runs as root"
echo "uid $uid"

echo "== server, /healthz and HEALTHCHECK"
openssl genrsa -out "$WORK/app-key.pem" 2048 2>/dev/null
chmod 644 "$WORK/app-key.pem" # read by the image's user, not by root
"$CONTAINER" run -d --name "$NAME" --network host "${RUN_FLAGS[@]}" \
  -e APP_ID=1 -e WEBHOOK_SECRET="$SECRET" -e PORT="$PORT" \
  -e PRIVATE_KEY_PATH=/run/secrets/app-key.pem -v "$WORK/app-key.pem:/run/secrets/app-key.pem:ro" \
  "$IMAGE" >/dev/null
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" || fail "/healthz did not answer within 30 s"
echo
if [[ $CONTAINER == podman ]]; then
  podman healthcheck run "$NAME" || fail "the image's HEALTHCHECK failed"
else
  test="$(docker inspect --format '{{join .Config.Healthcheck.Test " "}}' "$IMAGE")"
  [[ $test == *healthz* ]] || fail "the image has no HEALTHCHECK on /healthz"
  docker exec "$NAME" sh -c "${test#CMD-SHELL }" || fail "the image's HEALTHCHECK failed"
fi
echo "healthcheck passed"

echo "== webhook signatures"
body='{"zen":"Design for failure.","hook_id":1,"hook":{"type":"App","id":1,"events":[]}}'
post() {
  curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/github/webhooks" \
    -H 'content-type: application/json' -H 'x-github-event: ping' -H "x-github-delivery: smoke-$1" \
    -H "x-hub-signature-256: sha256=$2" --data "$body"
}
good=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')
[[ $(post 1 "$good") == 200 ]] || fail "a correctly signed ping was not accepted"
[[ $(post 2 "${good/?/0}0") == 401 ]] || fail "a badly signed ping was not refused with 401"
echo "signed 200, bad signature 401"
"$CONTAINER" stop -t 10 "$NAME" >/dev/null

echo "== CLI in the image, with the lock trace"
set +e
"$CONTAINER" run --rm "${RUN_FLAGS[@]}" -v "$PWD/examples/shop:/repo:ro" "$IMAGE" \
  node /app/bin/migration-review.js check /repo --trace --format json >"$WORK/review.json"
code=$?
set -e
[[ $code == 1 ]] || fail "check of examples/shop exited $code, expected 1 (BLOCK)"
node -e '
  const review = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (review.verdict !== "BLOCK") throw new Error("verdict " + review.verdict);
  if (review.trace?.engine !== "pglite" || !review.trace.files?.length) throw new Error("no lock trace in the image");
  console.log(review.verdict, "with a", review.trace.engine, "trace of", review.trace.files.length, "files");
' "$WORK/review.json"
echo "container-smoke: OK"
