/* SPDX-License-Identifier: MIT */
/* test_config.c: the client's config file (path rules, parsing garbage,
 * atomic save and reload) and the default name's cleaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "text.h"

static void test_path_rules(void **state)
{
    (void)state;
    char buf[256];
    assert_int_equal(config_path_from("/x/cfg", "/home/a", buf, sizeof buf), 0);
    assert_string_equal(buf, "/x/cfg/ttt/config");
    assert_int_equal(config_path_from("", "/home/a", buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/a/.config/ttt/config");
    /* A relative XDG_CONFIG_HOME is invalid per the spec: ignored. */
    assert_int_equal(config_path_from("rel/dir", "/home/a", buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/a/.config/ttt/config");
    assert_int_equal(config_path_from(NULL, NULL, buf, sizeof buf), -1);
    assert_int_equal(config_path_from(NULL, "", buf, sizeof buf), -1);
    assert_int_equal(config_path_from("/a/very/long/dir", NULL, buf, 10), -1);
}

static void test_parse_good(void **state)
{
    (void)state;
    struct config c = {0};
    const char *t = "# comment\naddress=example.org:7777\nname = bob \r\n";
    config_parse(&c, t, strlen(t));
    assert_string_equal(c.addr, "example.org:7777");
    assert_string_equal(c.name, "bob");
    assert_int_equal(c.muted, 0);
    /* Later lines win; no trailing newline is fine. */
    t = "name=alice\nmuted=1\nname=carol";
    config_parse(&c, t, strlen(t));
    assert_string_equal(c.name, "carol");
    assert_int_equal(c.muted, 1);
    t = "muted = 0\n";
    config_parse(&c, t, strlen(t));
    assert_int_equal(c.muted, 0);
}

static void test_parse_garbage(void **state)
{
    (void)state;
    struct config c = {0};
    strcpy(c.addr, "keep:1");
    strcpy(c.name, "keep");
    char junk[600];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 37 + 11);
    config_parse(&c, junk, sizeof junk);
    const char *t = "address=has space\nname=this name is far too long\nname=\x01x\n"
                    "=\n==\nnoequals\naddress=\nname=\naddr=x\nmuted=yes\nmuted=10\nmuted=\n";
    config_parse(&c, t, strlen(t));
    assert_string_equal(c.addr, "keep:1");
    assert_string_equal(c.name, "keep");
    assert_int_equal(c.muted, 0);
    /* An embedded NUL does not smuggle anything in. */
    const char nul[] = "name=ab\0cd\naddress=h\0x\n";
    config_parse(&c, nul, sizeof nul - 1);
    assert_string_equal(c.name, "keep");
    assert_string_equal(c.addr, "keep:1");
}

static void test_name_from(void **state)
{
    (void)state;
    char out[PROTO_NAME_MAX + 1];
    config_name_from("alice", out);
    assert_string_equal(out, "alice");
    config_name_from("  spaced out  ", out);
    assert_string_equal(out, "spaced out");
    config_name_from("abcdefghijklmnopqrstuvwxyz", out);
    assert_string_equal(out, "abcdefghijklmnop");
    config_name_from("tab\there\x7f", out);
    assert_string_equal(out, "tabhere");
    /* 7 two-byte characters = 14 bytes, the 8th would make 16, 9th 18: cut on a boundary. */
    config_name_from("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", out);
    assert_int_equal(strlen(out), 16);
    config_name_from("\xff\xfe\xc3", out);
    assert_string_equal(out, "player");
    config_name_from("", out);
    assert_string_equal(out, "player");
    config_name_from(NULL, out);
    assert_string_equal(out, "player");
    config_name_from("\xed\xa0\x80ok", out); /* a surrogate is dropped */
    assert_string_equal(out, "ok");
    config_default_name(out);
    assert_true(text_name_valid(out, strlen(out)));
}

static void test_save_load(void **state)
{
    (void)state;
    char dir[] = "/tmp/ttt-test-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    assert_int_equal(config_path_from(dir, NULL, path, sizeof path), 0);

    struct config c = {0};
    assert_int_equal(config_load(&c, path), 1); /* missing: untouched */
    assert_string_equal(c.name, "");

    strcpy(c.addr, "[::1]:7000");
    strcpy(c.name, "zo\xc3\xab");
    c.muted = 1;
    assert_int_equal(config_save(&c, path), 0); /* creates dir/ttt */
    struct config d = {0};
    assert_int_equal(config_load(&d, path), 0);
    assert_string_equal(d.addr, "[::1]:7000");
    assert_string_equal(d.name, "zo\xc3\xab");
    assert_int_equal(d.muted, 1);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* Overwrite: the new values replace the old; no temp file is left. */
    strcpy(c.addr, "host");
    c.name[0] = '\0';
    c.muted = 0;
    assert_int_equal(config_save(&c, path), 0);
    struct config e = {.muted = 1};
    assert_int_equal(config_load(&e, path), 0);
    assert_string_equal(e.addr, "host");
    assert_string_equal(e.name, "");
    assert_int_equal(e.muted, 0);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(access(tmp, F_OK), -1);

    /* A directory in the way is an error, not a crash. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(config_load(&e, path), -1);
    assert_int_equal(config_save(&c, path), -1);
    assert_int_equal(rmdir(path), 0);

    char sub[600];
    snprintf(sub, sizeof sub, "%s/ttt", dir);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_rules),  cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_garbage), cmocka_unit_test(test_name_from),
        cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
