/*
 * Connects with the conninfo given as argv[1] and reports, on one line,
 * "connect ok ssl=<t|f> version=<server_version_num>" or "connect fail
 * <libpq error>". Exit 0 only when connected. Built -static against the
 * libpq from scripts/build-static-libpq by check-static-libpq.
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONNINFO\n", argv[0]);
        return 2;
    }
    PGconn *conn = PQconnectdb(argv[1]);
    if (conn == NULL) {
        printf("connect fail out of memory\n");
        return 1;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        /* One line: the error text spans several. */
        char *msg = PQerrorMessage(conn);
        for (char *p = msg; *p != '\0'; ++p)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        printf("connect fail %s\n", msg);
        PQfinish(conn);
        return 1;
    }
    printf("connect ok ssl=%s version=%d libpq=%d\n", PQsslInUse(conn) ? "t" : "f",
           PQserverVersion(conn), PQlibVersion());
    PQfinish(conn);
    return 0;
}
