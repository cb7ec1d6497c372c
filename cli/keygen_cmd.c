/* keygen: `feedmill keygen PATH`, a CurveZMQ certificate pair.
 *
 * Writes PATH, the public certificate (handed to the peers that must
 * know this process: copied into their --allow folder, or named by their
 * --producer-cert / --sink-cert), and PATH_secret, the secret one (mode
 * 0600, never leaves this machine; given to --cert). Both are in CZMQ's
 * certificate format (zcert), so CZMQ's tools and any ZeroMQ binding can
 * read them. The public key is printed on stdout: it is what the sink
 * records in documents.worker, and what the logs show. An existing
 * certificate is never overwritten: a lost secret cannot be made again. */
#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "common/args.h"

enum { KEYGEN_OPT_NAME, KEYGEN_OPT_COUNT };

static const args_option_t TABLE[KEYGEN_OPT_COUNT] = {
    [KEYGEN_OPT_NAME] = { .name = "name", .arg = "NAME",
        .help = "a name written in the certificate (default: PATH's file name)" },
};

static int apply(void *opt, const char *command, int id, const char *value)
{
    (void)command;
    (void)id;   /* --name, the only row */
    *(const char **)opt = value;
    return 0;
}

static const char *check(const void *opt, int operands)
{
    (void)opt;
    return operands == 1 ? NULL : "give exactly one PATH";
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = KEYGEN_OPT_COUNT, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "keygen",
    .usage = "usage: feedmill keygen [--name NAME] PATH\n"
             "\n"
             "Writes a CurveZMQ certificate pair in CZMQ's format: PATH, the public\n"
             "certificate to give to peers (their --allow folder, or their --producer-cert\n"
             "and --sink-cert), and PATH_secret, the secret one (mode 0600) for this\n"
             "process's --cert. Prints the public key. Never overwrites a certificate.\n"
             "\n",
    .tables = TABLES, .table_count = 1, .check = check,
};

int keygen_main(int argc, char **argv)
{
    const char *name = NULL;
    int rc = args_parse(&COMMAND, &name, argc, argv);
    if (rc >= 0)
        return rc;
    const char *path = argv[optind];
    char secret[4096];
    if (snprintf(secret, sizeof secret, "%s_secret", path) >= (int)sizeof secret) {
        fprintf(stderr, "feedmill keygen: %s: path too long\n", path);
        return 2;
    }
    struct stat st;
    if (stat(path, &st) == 0 || stat(secret, &st) == 0) {
        fprintf(stderr, "feedmill keygen: %s or %s exists already: not overwriting a "
                        "certificate (remove it first if it is no longer used)\n", path, secret);
        return 1;
    }
    if (!name) {
        const char *slash = strrchr(path, '/');
        name = slash ? slash + 1 : path;
    }
    zcert_t *cert = zcert_new();
    if (!cert) {
        fprintf(stderr, "feedmill keygen: cannot make a key pair (libzmq without CURVE?)\n");
        return 1;
    }
    zcert_set_meta(cert, "name", "%s", name);
    /* zcert_save writes PATH_secret under a private umask (0600). */
    rc = zcert_save(cert, path);
    if (rc != 0 || chmod(secret, 0600) != 0) {
        fprintf(stderr, "feedmill keygen: cannot write %s and %s: %s\n", path, secret,
                strerror(errno));
        zcert_destroy(&cert);
        return 1;
    }
    printf("%s\n", zcert_public_txt(cert));
    fprintf(stderr, "feedmill keygen: wrote %s (public: give it to peers) and %s (secret, mode "
                    "0600: for this process's --cert, never copy it elsewhere) name=%s\n",
            path, secret, name);
    zcert_destroy(&cert);
    return 0;
}
