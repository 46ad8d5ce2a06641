# hookspool - see README.md. `make` builds build/hookspool.fcgi and
# build/hookspool; `make check` runs every test suite.
.DEFAULT_GOAL := all
PREFIX	?= /usr/local
DESTDIR	?=
# the GNU directory variables `make install` and `make uninstall` honour
BINDIR	?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/hookspool
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/hookspool
# systemd's search path includes /usr/local/lib/systemd/system; the Debian
# package passes /lib/systemd/system
UNITDIR	?= $(PREFIX)/lib/systemd/system
# what the installed server configs and units name (the receiver's last
# fallback is /etc/hookspool/hookspool.json whatever PREFIX is)
CONFFILE ?= /etc/hookspool/hookspool.json
SPOOLDIR ?= /var/spool/hookspool
BUILD	?= build
CC	?= cc
PKGS	 = fcgi libcrypto json-c libseccomp
# the CLI's check-config reports the kernel's Landlock ABI (cgi/sandbox.c)
CLI_PKGS = libcrypto json-c libcurl libseccomp

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null)
LIBS_FCGI  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS_CLI   := $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)

# How hookspool.fcgi is linked (the CLI always links shared: libcurl brings
# its own libssl/libcrypto):
#   LINK=static  (default) one static-PIE executable, the C library included:
#                it needs nothing from the host, whatever its glibc, and a
#                CGI request skips the dynamic linker (callgrind: 1.25M
#                instructions per request against 9.29M linked shared).
#                ld warns that libfcgi's and libcrypto's unused host/module
#                lookups (gethostbyname, getaddrinfo, dlopen) would need
#                glibc's shared libraries; the receiver never calls them.
#   LINK=libs    libfcgi, json-c and libcrypto static, glibc shared (what
#                the sanitizer and valgrind runs use: they need a dynamic
#                executable)
#   LINK=shared  everything from the system, as a distribution package
#                builds it: library security updates apply without a rebuild
LINK	?= static
ifneq ($(LINK),shared)
# packed relative relocations (binutils >= 2.38, glibc >= 2.36) halve the
# start-up relocation work of a PIE with libcrypto in it; used where supported
RELR	:= $(shell printf 'int main(void){return 0;}' | $(CC) -x c - -o /dev/null \
	   -Wl,-z,pack-relative-relocs 2>/dev/null && echo -Wl,-z,pack-relative-relocs)
LIBS_PRIVATE := $(filter-out $(LIBS_FCGI),$(shell pkg-config --libs --static $(PKGS) 2>/dev/null))
endif
ifeq ($(LINK),static)
LIBS_RECEIVER := -static-pie $(LIBS_FCGI) $(LIBS_PRIVATE) -Wl,-z,relro,-z,now $(RELR)
else ifeq ($(LINK),libs)
LIBS_RECEIVER := -Wl,-Bstatic $(LIBS_FCGI) -Wl,-Bdynamic $(LIBS_PRIVATE) \
	   -Wl,-z,relro,-z,now $(RELR)
else ifeq ($(LINK),shared)
LIBS_RECEIVER := $(LIBS_FCGI)
else
$(error LINK must be static, libs or shared)
endif

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS	?= -O2 -g
# SANDBOX=off builds the receiver without its Landlock and seccomp
# confinement (cgi/sandbox.c says so in its start-up line): the ASan and
# valgrind builds, whose runtimes make calls it refuses (LeakSanitizer's
# ptrace thread at exit; valgrind runs the program's calls as its own).
# The coverage build keeps it and lets gcov write its .gcda files below
# SANDBOX_GCOV_DIR.
SANDBOX	?= on
ifeq ($(SANDBOX),off)
SANDBOX_CFLAGS = -DHS_SANDBOX_DISABLED
else ifeq ($(SANDBOX),on)
ifneq ($(SANDBOX_GCOV_DIR),)
SANDBOX_CFLAGS = -DHS_SANDBOX_GCOV_DIR='"$(SANDBOX_GCOV_DIR)"'
endif
else
$(error SANDBOX must be on or off)
endif
ALL_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 \
	   -fstack-protector-strong -Iinclude $(PKG_CFLAGS) $(SANDBOX_CFLAGS) \
	   $(CFLAGS)
LDFLAGS	?=

# Object lists from the folders: cgi/*.c is the receiver (fcgi_main.c its
# main), cgi/providers/ its senders, cgi/cli/ the command line. The library
# both binaries share is everything but the two mains.
CORE	 = $(basename $(notdir $(filter-out cgi/fcgi_main.c, \
	   $(wildcard cgi/*.c cgi/providers/*.c))))
CLI	 = $(basename $(notdir $(wildcard cgi/cli/*.c)))
CORE_OBJ = $(CORE:%=$(BUILD)/obj/%.o)
CLI_OBJ	 = $(CLI:%=$(BUILD)/obj/%.o)
# -MMD -MP: each object depends on the headers it includes, no more
DEPFLAGS = -MMD -MP
-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/obj/fcgi_main.d

.PHONY: FORCE all clean check check-unit check-cgi check-cli check-servers check-senders install uninstall asan \
	run deb check-deb bench fuzz check-badinput check-faults check-promise check-inject check-powercut coverage check-valgrind \
	check-fuzz-regress check-sandbox check-stats check-report screenshot

all: $(BUILD)/hookspool.fcgi $(BUILD)/hookspool

# the receiver in cgi/, the senders in cgi/providers/, the command line in cgi/cli/
vpath %.c cgi cgi/providers cgi/cli

$(BUILD)/obj/%.o: %.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj:
	mkdir -p $@

$(BUILD)/libhookspool.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

# relinks when LINK changes
$(BUILD)/.link: FORCE | $(BUILD)/obj
	@echo '$(LINK)' | cmp -s - $@ || echo '$(LINK)' > $@

$(BUILD)/hookspool.fcgi: $(BUILD)/obj/fcgi_main.o $(BUILD)/libhookspool.a $(BUILD)/.link
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.link,$^) $(LIBS_RECEIVER)

$(BUILD)/hookspool: $(CLI_OBJ) $(BUILD)/libhookspool.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_CLI)

# Unit tests link the core library directly.
UNIT	 = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhookspool.a
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libhookspool.a $(LIBS_FCGI)

# test_cli_*.c test the command line's spool code: its objects too
CLI_UNIT_OBJ = $(BUILD)/obj/cli_spool.o $(BUILD)/obj/cli_util.o
$(BUILD)/tests/test_cli_%: tests/unit/test_cli_%.c $(CLI_UNIT_OBJ) \
    $(BUILD)/libhookspool.a
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(CLI_UNIT_OBJ) $(BUILD)/libhookspool.a $(LIBS_FCGI)

-include $(UNIT:%=$(BUILD)/tests/%.d)

check-unit: $(UNIT:%=$(BUILD)/tests/%)
	@rc=0; for t in $(UNIT); do $(BUILD)/tests/$$t 2>$(BUILD)/tests/$$t.stderr || rc=1; done; exit $$rc

check-cgi: all
	@rc=0; bash tests/cgi/run.sh $(BUILD) || rc=1; \
	bash tests/cgi/source.sh $(BUILD) || rc=1; exit $$rc

check-cli: all
	@rc=0; bash tests/cli/run.sh $(BUILD) || rc=1; \
	bash tests/cli/ignisign.sh $(BUILD) || rc=1; \
	bash tests/cli/make.sh $(BUILD) || rc=1; exit $$rc

check-servers: all
	@rc=0; bash tests/servers/selftest.sh || rc=1; \
	bash tests/servers/run.sh $(BUILD) || rc=1; \
	bash tests/servers/source.sh $(BUILD) || rc=1; exit $$rc

# The senders' own npm libraries sign; runs `npm ci` in tests/senders when
# node_modules is missing (needs the npm registry once).
check-senders: all
	bash tests/senders/run.sh $(BUILD)

check-badinput: all
	bash tests/badinput/run.sh $(BUILD)

check-faults: all
	bash tests/faults/run.sh $(BUILD)

check-promise: all
	bash tests/promise/run.sh $(BUILD)

# The receiver's counters and `hookspool stats` (text, --json, --prometheus
# checked by promtool).
check-stats: all
	bash tests/stats/run.sh $(BUILD)

# The status page (hookspool report --html) in headless Chromium, and
# www/status/.htaccess behind a real Apache; the screenshot stays in
# $(BUILD)/report/status.png.
check-report: all
	bash tests/report/run.sh $(BUILD)

# The README's picture of the page: the check-report run's screenshot.
screenshot: check-report
	cp $(BUILD)/report/status.png examples/status-page.png

# The sandbox (cgi/sandbox.c): a receiver built with its test hook
# (HS_SANDBOX_TEST=read|write|exec|socket tries each escape once confined;
# never in the shipped binary) and a wrapper that runs a command as on a
# host whose kernel lacks Landlock or seccomp (tests/sandbox/deny.c).
$(BUILD)/obj/sandbox_test.o: cgi/sandbox.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -DHS_SANDBOX_TEST_HOOK -c -o $@ $<
-include $(BUILD)/obj/sandbox_test.d

$(BUILD)/tests/hookspool-sandbox.fcgi: $(BUILD)/obj/fcgi_main.o \
    $(BUILD)/obj/sandbox_test.o $(BUILD)/libhookspool.a $(BUILD)/.link
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.link,$^) $(LIBS_RECEIVER)

$(BUILD)/tests/sandbox-deny: tests/sandbox/deny.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(shell pkg-config --libs libseccomp)

check-sandbox: all $(BUILD)/tests/hookspool-sandbox.fcgi $(BUILD)/tests/sandbox-deny
	bash tests/sandbox/run.sh $(BUILD)

# Every file operation of a delivery failing in turn (tests/faults/inject.sh),
# and of the CLI's failed attempt, dead letter, verify --release/--reject
# and retry (tests/faults/inject_cli.sh):
# the LD_PRELOAD shim needs a dynamically linked receiver, so a static
# build gets a LINK=libs twin in $(BUILD)/libs.
ifeq ($(LINK),static)
INJECT_BUILD = $(BUILD)/libs
else
INJECT_BUILD = $(BUILD)
endif
$(BUILD)/tests/failcall.so: tests/faults/failcall.c
	@mkdir -p $(@D)
	cc -std=gnu11 -O1 -g -fPIC -shared $(WARN) -o $@ $< -ldl

# Simulated power cuts at every step of one delivery (tests/faults/powercut.py).
check-powercut: all
	@d=$$(mktemp -d /tmp/hs-powercut-XXXXXX); \
	python3 tests/faults/powercut.py $(BUILD)/hookspool.fcgi $(BUILD)/hookspool "$$d"; \
	rc=$$?; rm -rf "$$d"; exit $$rc

check-inject: $(BUILD)/tests/failcall.so
	@$(MAKE) --no-print-directory BUILD=$(INJECT_BUILD) LINK=libs all
	@rc=0; bash tests/faults/inject.sh $(INJECT_BUILD) $(BUILD)/tests/failcall.so || rc=1; \
	bash tests/faults/inject_cli.sh $(INJECT_BUILD) $(BUILD)/tests/failcall.so || rc=1; exit $$rc

# Not part of `check`: 10,000 FastCGI requests under valgrind take minutes.
# valgrind cannot replace malloc in a static executable: LINK=libs.
check-valgrind:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/valgrind LINK=libs SANDBOX=off all
	bash tests/valgrind/run.sh $(BUILD)/valgrind

check: deps-check
	@$(MAKE) --no-print-directory all
	@rc=0; \
	$(MAKE) --no-print-directory check-unit || rc=1; \
	$(MAKE) --no-print-directory check-cgi || rc=1; \
	$(MAKE) --no-print-directory check-cli || rc=1; \
	$(MAKE) --no-print-directory check-servers || rc=1; \
	$(MAKE) --no-print-directory check-senders || rc=1; \
	$(MAKE) --no-print-directory check-badinput || rc=1; \
	$(MAKE) --no-print-directory check-faults || rc=1; \
	$(MAKE) --no-print-directory check-promise || rc=1; \
	$(MAKE) --no-print-directory check-stats || rc=1; \
	$(MAKE) --no-print-directory check-report || rc=1; \
	if [ "$(SANDBOX)" = on ]; then $(MAKE) --no-print-directory check-sandbox || rc=1; fi; \
	$(MAKE) --no-print-directory check-inject || rc=1; \
	$(MAKE) --no-print-directory check-powercut || rc=1; \
	$(MAKE) --no-print-directory check-fuzz-regress || rc=1; \
	if [ "$(CHECK_DEB)" = yes ]; then $(MAKE) --no-print-directory check-deb || rc=1; fi; \
	exit $$rc

# The Debian package: built, lintian, and as root the apt-get install /
# signed event through its nginx example / purge round trip
# (tests/deb/run.sh). dpkg-buildpackage builds its own LINK=shared binaries
# whatever BUILD says, so `make asan` and `make coverage` skip it
# (CHECK_DEB=no): it would test the same package again.
CHECK_DEB ?= yes
check-deb:
	bash tests/deb/run.sh

# Everything again with AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build/asan CC=clang LINK=libs SANDBOX=off \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" CHECK_DEB=no check

# libFuzzer harnesses (fuzz/): the core compiled again by clang with
# ASan+UBSan into build/fuzz. `make fuzz FUZZ_SECONDS=N` runs each harness
# for N seconds (new inputs in build/fuzz/corpus, crashes in
# build/fuzz/artifacts); check-fuzz-regress replays fuzz/regress and the
# seeds through every harness once.
FUZZ_BUILD	 = build/fuzz
FUZZ_CC		 = clang
FUZZ_SECONDS	?= 60
FUZZERS		 = handler verify json multipart source
FUZZ_CFLAGS	 = -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -Ifuzz \
		   $(PKG_CFLAGS) -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ	 = $(CORE:%=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/fuzz_common.o
FUZZ_BIN	 = $(FUZZERS:%=$(FUZZ_BUILD)/fuzz_%)
-include $(FUZZ_OBJ:.o=.d) $(FUZZERS:%=$(FUZZ_BUILD)/obj/fuzz_%.d)
# keep the objects (make would delete them as intermediates)
.SECONDARY: $(FUZZ_OBJ) $(FUZZERS:%=$(FUZZ_BUILD)/obj/fuzz_%.o)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/fuzz_%.o: fuzz/fuzz_%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz_%.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS_FCGI)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZERS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$f $(FUZZ_BUILD)/artifacts/$$f; \
	    echo "=== fuzz_$$f for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
		-max_len=12000 -timeout=10 -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$f/ \
		$(FUZZ_BUILD)/corpus/$$f fuzz/corpus/$$f \
		$$(ls -d fuzz/regress/$$f 2>/dev/null) || exit 1; \
	done

check-fuzz-regress: $(FUZZ_BIN)
	bash fuzz/regress.sh $(FUZZ_BUILD) $(FUZZERS)

# Coverage: every suite of `check` on a --coverage build (LINK=libs, so the
# fault walk runs the same build), then gcovr per file and the thresholds
# (tests/lib/coverage.py). umask 000: receivers running as another user
# (Apache's www-data) must be able to update the .gcda files root created.
COV_BUILD = build/coverage
coverage:
	@command -v gcovr > /dev/null || bash tests/lib/deps.sh coverage
	rm -rf $(COV_BUILD)
	umask 000; $(MAKE) --no-print-directory BUILD=$(COV_BUILD) LINK=libs \
	    SANDBOX_GCOV_DIR=$(abspath $(COV_BUILD)) \
	    CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" CHECK_DEB=no check
	python3 tests/lib/coverage.py $(COV_BUILD)/obj

deps-%:
	@bash tests/lib/deps.sh $*

# Benchmarks against the floor, the fsync limit and Express (BENCHMARKS.md);
# not part of `make check`, takes ~15 minutes.
bench: all
	@bash tests/lib/deps.sh bench
	bash bench/run.sh $(BUILD)

run: deps-run
	$(MAKE) --no-print-directory all
	bash tests/lib/run-local.sh $(BUILD)

SHARED_DIRS = www apache lighttpd nginx caddy
UNITS	= $(notdir $(wildcard systemd/*.service systemd/*.socket systemd/*.timer))
# The files in the tree name the hand-made layout of the README
# (/srv/hookspool/...) or, the units, the package's; installed, they name
# where this install put things.
INSTALL_PATHS = -e 's|/srv/hookspool/hookspool\.fcgi|$(LIBEXECDIR)/hookspool.fcgi|g' \
	-e 's|/srv/hookspool/hookspool\.json|$(CONFFILE)|g' \
	-e 's@/srv/hookspool/\(www\|apache\|lighttpd\|nginx\|caddy\)/@$(DATADIR)/\1/@g' \
	-e 's|/usr/lib/hookspool/hookspool\.fcgi|$(LIBEXECDIR)/hookspool.fcgi|g' \
	-e 's|/usr/bin/hookspool |$(BINDIR)/hookspool |g' \
	-e 's|/etc/hookspool/hookspool\.json|$(CONFFILE)|g' \
	-e 's|/var/spool/hookspool|$(SPOOLDIR)|g'
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/hookspool $(DESTDIR)$(BINDIR)/hookspool
	install -m 0755 $(BUILD)/hookspool.fcgi $(DESTDIR)$(LIBEXECDIR)/hookspool.fcgi
	install -m 0644 man/hookspool.1 $(DESTDIR)$(MANDIR)/man1/hookspool.1
	install -m 0644 man/hookspool.json.5 $(DESTDIR)$(MANDIR)/man5/hookspool.json.5
	install -m 0644 man/hookspool.fcgi.8 $(DESTDIR)$(MANDIR)/man8/hookspool.fcgi.8
	cp -R $(SHARED_DIRS) $(DESTDIR)$(DATADIR)/
	find $(addprefix $(DESTDIR)$(DATADIR)/,$(SHARED_DIRS)) -type f \
	    -exec sed -i $(INSTALL_PATHS) {} +
	for u in $(UNITS); do \
	    sed $(INSTALL_PATHS) systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done

# Removes what install wrote, and the two directories that are ours alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hookspool $(DESTDIR)$(LIBEXECDIR)/hookspool.fcgi \
	    $(DESTDIR)$(MANDIR)/man1/hookspool.1 \
	    $(DESTDIR)$(MANDIR)/man5/hookspool.json.5 \
	    $(DESTDIR)$(MANDIR)/man8/hookspool.fcgi.8 \
	    $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -rf $(addprefix $(DESTDIR)$(DATADIR)/,$(SHARED_DIRS))
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR) 2>/dev/null

# The Debian package (debian/), built by dpkg-buildpackage from a clean copy
# of the tree (what git tracks and what it would track; no build/, var/ or
# node_modules) in $(DEB_DIR); the .deb lands there. As root it installs
# its build dependencies first, like `make run`.
DEB_DIR	= build/deb
deb: deps-deb
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/hookspool
	if [ -d .git ] && command -v git >/dev/null; then \
	    git ls-files -z --cached --others --exclude-standard | \
	    xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    xargs -0 cp -P --parents -t $(DEB_DIR)/hookspool; \
	else \
	    tar -c --exclude=./build --exclude=./var --exclude=node_modules . | \
	    tar -x -C $(DEB_DIR)/hookspool; \
	fi
	cd $(DEB_DIR)/hookspool && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
	    { tail -40 ../build.log; exit 1; }
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf build
