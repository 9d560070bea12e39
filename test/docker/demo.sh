# shellcheck shell=bash
# Check demo: the demo image (dbinit as ENTRYPOINT in front of the chatbot)
# against a fresh database: the app answers GET /health and POST /chat on
# 7860, and the messages land in the tables the migrations made.
#
# Why: this is dbinit's whole job seen from outside (wait, migrate, hand
# off), in the image a user runs. Its containers (demo-db, demo-app) stay up
# for pid1 and stop, which the driver runs after it.

# Starts a db and one demo container against it, published on the test port.
start_demo_pair() { # PREFIX
    start_db "$1-db"
    wait_healthy "$1-db" 60 || { show_logs "$1-db"; return 1; }
    run_container "$1-app" -p "127.0.0.1:${DBINIT_TEST_PORT}:7860" \
        -e DATABASE_URL="$(database_url "${RUN_ID}-$1-db")" "${DBINIT_TEST_DEMO_IMAGE}" >/dev/null
    wait_healthy "$1-app" 90 || { show_logs "$1-app"; return 1; }
}

check_demo() {
    start_demo_pair demo || { fail demo "db or app did not turn healthy"; return; }
    local url="http://127.0.0.1:${DBINIT_TEST_PORT}" reply conversation_id
    if [[ "$(curl -fsS --max-time 5 "${url}/health")" != ok ]]; then
        fail demo "GET /health did not answer ok"
        return
    fi
    # The body is kept on errors too: the app says why (e.g. a missing table).
    reply="$(curl -sS --max-time 5 -w '\n%{http_code}' -H 'Content-Type: application/json' \
        -d '{"user_id": "docker-test", "message": "hello from docker-test"}' "${url}/chat")"
    if [[ "${reply##*$'\n'}" != 200 ]]; then
        show_logs demo-app
        fail demo "POST /chat answered ${reply##*$'\n'}: ${reply%$'\n'*}"
        return
    fi
    reply="${reply%$'\n'*}"
    conversation_id="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["conversation_id"])' <<<"${reply}")"
    curl -fsS --max-time 5 -H 'Content-Type: application/json' \
        -d "{\"user_id\": \"docker-test\", \"message\": \"again\", \"conversation_id\": ${conversation_id}}" \
        "${url}/chat" >/dev/null || { fail demo "second POST /chat failed"; return; }
    local rows
    rows="$(db_query demo-db "SELECT string_agg(role, ',' ORDER BY id) FROM messages WHERE conversation_id = ${conversation_id}")"
    if [[ "${rows}" != "user,assistant,user,assistant" ]]; then
        fail demo "messages of conversation ${conversation_id} are '${rows}', not user,assistant,user,assistant"
        return
    fi
    if [[ "$(db_query demo-db "SELECT title FROM conversations WHERE id = ${conversation_id}")" != "hello from docker-test" ]]; then
        fail demo "conversation title was not the first message"
        return
    fi
    pass demo
}
