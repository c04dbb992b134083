/* SPDX-License-Identifier: MIT */
/* probe.c: ttt-bot --probe (probe.h): one session over one driver, polled
 * until the WELCOME, the session's end, or the time limit; then what the
 * WELCOME said, or why it did not come. */
#include "probe.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "driver.h"
#include "session.h"
#include "text.h"

/* Wait for the driver's socket until `until` at most, and pass on what is
 * ready and what is due. */
static void drive(struct driver *d, uint64_t until)
{
    uint64_t now = bot_now_ms(), next = driver_next_deadline(d);
    if (next > until)
        next = until;
    struct pollfd p = {.fd = driver_fd(d), .events = (short)(POLLIN | (driver_wants_write(d) ? POLLOUT : 0))};
    int ready = poll(&p, p.fd >= 0 ? 1 : 0, next > now ? (int)(next - now) : 0);
    now = bot_now_ms();
    if (ready > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)))
        driver_on_readable(d, now);
    if (ready > 0 && (p.revents & POLLOUT))
        driver_on_writable(d, now);
    driver_tick(d, now);
}

/* Run the session until the WELCOME (1), its end or the time limit (0,
 * with why[] saying which). */
static int await_welcome(struct session *s, struct driver *d, const char *host, char *why, size_t cap)
{
    uint64_t deadline = bot_now_ms() + PROBE_LIMIT_MS;
    (void)driver_start(d, host, bot_now_ms()); /* a failure closes the session: its event says why */
    for (;;) {
        struct session_event ev;
        while (session_next_event(s, &ev)) {
            if (ev.type == SESSION_EV_WELCOME)
                return 1;
            if (ev.type == SESSION_EV_CLOSED) {
                (void)text_printable(ev.u.closed.message, strlen(ev.u.closed.message), why, cap);
                return 0;
            }
        }
        if (bot_now_ms() >= deadline) {
            snprintf(why, cap, "no WELCOME from %.200s within %u s: not a ttt server, or not answering", host,
                     PROBE_LIMIT_MS / 1000u);
            return 0;
        }
        drive(d, deadline);
    }
}

static void print_result(const struct bot_options *o, const struct session *s, const char *why, double ms)
{
    char host[BOT_HOST_MAX * 6 + 1], error[BOT_ERR_LEN * 6 + 1];
    if (o->json) {
        (void)text_json_escape(o->host, strlen(o->host), host, sizeof host);
        if (why) {
            (void)text_json_escape(why, strlen(why), error, sizeof error);
            printf("{\"ok\":false,\"server\":\"%s\",\"version\":null,\"turn_s\":null,\"grace_s\":null,"
                   "\"ms\":null,\"error\":\"%s\"}\n", host, error);
        } else {
            printf("{\"ok\":true,\"server\":\"%s\",\"version\":%u,\"turn_s\":%u,\"grace_s\":%u,\"ms\":%.3f,"
                   "\"error\":null}\n", host, (unsigned)session_server_version(s), (unsigned)session_turn_s(s),
                   (unsigned)session_grace_s(s), ms);
        }
    } else if (!why && !o->quiet) {
        printf("%s: ttt server, protocol %u, turn %u s, grace %u s (WELCOME in %.1f ms)\n", o->host,
               (unsigned)session_server_version(s), (unsigned)session_turn_s(s), (unsigned)session_grace_s(s), ms);
    }
    fflush(stdout);
}

int probe_run(const struct bot_options *o)
{
    char err[SESSION_ERR_LEN], why[BOT_ERR_LEN];
    /* The session's own limits, longer: the probe's one limit says why. */
    struct session_config cfg = {.name = "probe", .connect_timeout_ms = PROBE_LIMIT_MS + 1000u};
    struct session *s = session_new(&cfg, err);
    if (!s) {
        fprintf(stderr, "ttt-bot: %s\n", err);
        return 1;
    }
    struct driver d;
    driver_init(&d, s);
    uint64_t t0 = bot_now_us();
    int welcomed = await_welcome(s, &d, o->host, why, sizeof why);
    double ms = (double)(bot_now_us() - t0) / 1000.0;
    print_result(o, s, welcomed ? NULL : why, ms);
    if (!welcomed)
        fprintf(stderr, "ttt-bot: %s\n", why);
    session_close(s);
    driver_sync(&d, bot_now_ms()); /* a polite goodbye, if the socket takes it at once */
    driver_release(&d);
    session_free(s);
    return welcomed ? 0 : 1;
}
