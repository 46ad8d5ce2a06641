/*
 * standin.c - a stand-in for hookspool.fcgi, used by tests/servers/selftest.sh
 * to prove the web-server setups (lighttpd, Apache mod_fcgid, Apache mod_cgi +
 * .htaccess, Apache mod_proxy_fcgi + spawn-fcgi) independently of the real
 * receiver.
 *
 * Like the real receiver it is one binary: FastCGI when fd 0 is a listening
 * socket, plain CGI otherwise (FCGX_IsCGI).  Every request is answered with
 * "Status: 200 OK" and a JSON object echoing what the web server delivered:
 * selected CGI variables, the mode ("cgi"/"fcgi"), the number of body bytes
 * read (exactly CONTENT_LENGTH), and HOOKSPOOL_CONFIG (request variable,
 * else process environment) with where it came from.
 *
 * Build: cc -O2 -Wall -o standin standin.c -lfcgi
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

struct io {
    FCGX_Stream *in, *out; /* NULL in CGI mode: stdin/stdout are used */
    FCGX_ParamArray envp;  /* request variables (environ in CGI mode) */
};

static const char *param(const struct io *io, const char *name)
{
    return io->in ? FCGX_GetParam(name, io->envp) : getenv(name);
}

static void put(const struct io *io, const char *s, size_t n)
{
    if (io->out)
        FCGX_PutStr(s, (int)n, io->out);
    else
        fwrite(s, 1, n, stdout);
}

static void puts_(const struct io *io, const char *s) { put(io, s, strlen(s)); }

static void json_str(const struct io *io, const char *s)
{
    char esc[8];
    if (!s) {
        puts_(io, "null");
        return;
    }
    put(io, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(io, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            puts_(io, esc);
        } else {
            put(io, (const char *)p, 1);
        }
    }
    put(io, "\"", 1);
}

static void field(const struct io *io, const char *key, const char *val, int last)
{
    json_str(io, key);
    puts_(io, ":");
    json_str(io, val);
    puts_(io, last ? "}\n" : ",");
}

static long read_body(const struct io *io, long want)
{
    char buf[65536];
    long got = 0;
    while (got < want) {
        long chunk = want - got;
        int n;
        if (chunk > (long)sizeof buf)
            chunk = (long)sizeof buf;
        if (io->in)
            n = FCGX_GetStr(buf, (int)chunk, io->in);
        else
            n = (int)fread(buf, 1, (size_t)chunk, stdin);
        if (n <= 0)
            break;
        got += n;
    }
    return got;
}

static void serve(const struct io *io, const char *mode)
{
    static const char *const vars[] = {
        "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "SCRIPT_FILENAME",
        "PATH_INFO", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE",
        "HTTP_X_CIRCULARO_SIGNATURE", "HTTP_AUTHORIZATION",
        "REDIRECT_HTTP_AUTHORIZATION", "HTTP_CONNECTION", "HTTP_TRANSFER_ENCODING",
        "REMOTE_ADDR", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", NULL
    };
    const char *cl = param(io, "CONTENT_LENGTH");
    long want = (cl && *cl) ? strtol(cl, NULL, 10) : 0;
    long got = read_body(io, want);
    const char *cfg = param(io, "HOOKSPOOL_CONFIG");
    const char *cfg_from = "request";
    char num[64], cwd[4096];

    if (!io->in) /* CGI: the request variables are the process environment */
        cfg_from = cfg ? "environ" : NULL;
    else if (!cfg) {
        cfg = getenv("HOOKSPOOL_CONFIG");
        cfg_from = cfg ? "process" : NULL;
    }

    puts_(io, "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{");
    field(io, "mode", mode, 0);
    snprintf(num, sizeof num, "%ld", (long)getpid());
    puts_(io, "\"pid\":");
    puts_(io, num);
    puts_(io, ",");
    snprintf(num, sizeof num, "%ld", got);
    puts_(io, "\"body_bytes\":");
    puts_(io, num);
    puts_(io, ",");
    field(io, "cwd", getcwd(cwd, sizeof cwd), 0);
    field(io, "process_HOOKSPOOL_CONFIG", getenv("HOOKSPOOL_CONFIG"), 0);
    field(io, "HOOKSPOOL_CONFIG_from", cfg_from, 0);
    for (int i = 0; vars[i]; i++)
        field(io, vars[i], param(io, vars[i]), 0);
    field(io, "HOOKSPOOL_CONFIG", cfg, 1);
}

int main(void)
{
    if (FCGX_IsCGI()) {
        struct io io = { NULL, NULL, environ };
        serve(&io, "cgi");
        fflush(stdout);
        return 0;
    }
    if (FCGX_Init() != 0)
        return 1;
    FCGX_Request req;
    if (FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    while (FCGX_Accept_r(&req) >= 0) {
        struct io io = { req.in, req.out, req.envp };
        serve(&io, "fcgi");
        FCGX_Finish_r(&req);
    }
    return 0;
}
