/*
 * The floor of scripts/bench: the least a libpq client can do for what
 * dbinit does, linked like dbinit (static libpq and OpenSSL, stripped), so
 * that what dbinit takes beyond it is dbinit's own cost.
 *
 *   floor_client noop [CONNINFO]        connect, read the history table with
 *                                       one SELECT (dbinit's no-op start reads
 *                                       it the same way), close
 *   floor_client many FILE [CONNINFO]   connect, send "BEGIN;" + FILE +
 *                                       "COMMIT;" as one message (one PQexec),
 *                                       close
 *
 * CONNINFO is a libpq connection string or URL; without it, DATABASE_URL.
 * Exit 0 on success; 1 with libpq's error on stderr; 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* The SELECT of dbinit's history read (src/migrate/history.cpp), without its
 * Alembic probe: the rows dbinit compares with its embedded migrations. */
static const char NOOP_SQL[] =
    "SELECT version, name, checksum, state, applied_at::text FROM dbinit_schema_history ORDER BY version";

static const char BEGIN_SQL[] = "BEGIN;\n";
static const char COMMIT_SQL[] = "\nCOMMIT;";

static int usage(const char *program)
{
    fprintf(stderr, "usage: %s noop [CONNINFO]\n       %s many FILE [CONNINFO]\n", program, program);
    return 2;
}

/* "BEGIN;\n" + the file + "\nCOMMIT;", NUL-terminated; NULL on an error, reported. */
static char *transaction_from_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return NULL;
    }
    char *sql = NULL;
    long size = -1;
    if (fseek(file, 0, SEEK_END) == 0)
        size = ftell(file);
    if (size < 0 || fseek(file, 0, SEEK_SET) != 0) {
        perror(path);
    } else if ((sql = malloc(sizeof BEGIN_SQL - 1 + (size_t)size + sizeof COMMIT_SQL)) == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
    } else {
        memcpy(sql, BEGIN_SQL, sizeof BEGIN_SQL - 1);
        char *body = sql + sizeof BEGIN_SQL - 1;
        if (fread(body, 1, (size_t)size, file) != (size_t)size) {
            fprintf(stderr, "%s: short read\n", path);
            free(sql);
            sql = NULL;
        } else {
            memcpy(body + size, COMMIT_SQL, sizeof COMMIT_SQL); /* with the NUL */
        }
    }
    fclose(file);
    return sql;
}

/* Runs sql (one message, however many statements); 0 when every statement
 * succeeded. PQexec returns the last statement's result, or the error that
 * stopped the message. */
static int execute(PGconn *conn, const char *sql, ExecStatusType want)
{
    PGresult *result = PQexec(conn, sql);
    if (PQresultStatus(result) != want) {
        const char *message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
        if (*message == '\0') /* no error, but not the result expected */
            fprintf(stderr, "floor_client: unexpected result %s\n", PQresStatus(PQresultStatus(result)));
        else
            fprintf(stderr, "floor_client: %s", message);
        PQclear(result);
        return 1;
    }
    PQclear(result);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc >= 2 ? argv[1] : "";
    const int many = strcmp(mode, "many") == 0;
    if (!many && strcmp(mode, "noop") != 0)
        return usage(argv[0]);
    const int first_optional = many ? 3 : 2;
    if (argc < first_optional || argc > first_optional + 1)
        return usage(argv[0]);
    const char *conninfo = argc > first_optional ? argv[first_optional] : getenv("DATABASE_URL");
    if (conninfo == NULL || *conninfo == '\0') {
        fprintf(stderr, "floor_client: no CONNINFO and DATABASE_URL is not set\n");
        return 2;
    }

    /* Read before connecting: dbinit has its migrations in memory too. */
    char *sql = NULL;
    if (many && (sql = transaction_from_file(argv[2])) == NULL)
        return 1;

    PGconn *conn = PQconnectdb(conninfo);
    int status = 1;
    if (conn == NULL) {
        fprintf(stderr, "floor_client: out of memory\n");
    } else if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "floor_client: %s", PQerrorMessage(conn));
    } else {
        status = many ? execute(conn, sql, PGRES_COMMAND_OK) : execute(conn, NOOP_SQL, PGRES_TUPLES_OK);
    }
    PQfinish(conn);
    free(sql);
    return status;
}
