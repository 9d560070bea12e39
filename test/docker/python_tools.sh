# shellcheck shell=bash
# Check python_tools: the wheel and its tools on the images' Python
# (PYTHON_IMAGE, 3.13): test/wheel/run --python-image, whose fresh venvs,
# models project and Alembic project live in containers of that image,
# against a throwaway PostgreSQL on this machine's loopback.
#
# Why: the rest of the suite runs the tools on Debian 12's Python 3.11,
# while a user runs them on the Python of their image or machine, today
# 3.12 or 3.13; the models extra's compiled dependencies (SQLAlchemy,
# pydantic-core, psycopg) are other wheels there, and what the tools
# import must work on both.

check_python_tools() {
    local output="${WORK_DIR}/python-tools.log"
    if "${REPO_ROOT}/test/wheel/run" --python-image "${DBINIT_PYTHON_IMAGE}" "${DBINIT_TEST_WHEEL_DIR}" \
        >"${output}" 2>&1; then
        grep -E 'in containers of|pip install dbinit-pg' "${output}" | sed 's/^wheel-test/python_tools/'
        pass python_tools
    else
        show_file "${output}"
        fail python_tools "test/wheel/run --python-image ${DBINIT_PYTHON_IMAGE} failed"
    fi
}
