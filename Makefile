# cityinv: the platform's build, local stack and tests.  `make help` lists the targets.

CC ?= cc
V ?= 0
SANITIZE ?=

WARNINGS = -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wwrite-strings -Wformat-security -Wvla -fno-common -Wpedantic
CPPFLAGS += -D_GNU_SOURCE -Ishared -I/usr/include/mariadb
CFLAGS ?= -O2 -g
LIBS_DB = -lmariadb
LIBS_REDIS = -lhiredis
LIBS_PW = -largon2
LIBS_IMPORT = -lcsv -lzip -lexpat
LIBS_Z = -lz

ifeq ($(SANITIZE),)
O = build
else
O = build/san
CFLAGS += -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

ifeq ($(V),0)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

SHARED_OBJ = $(addprefix $(O)/shared/, years.o util.o strbuf.o arena.o config.o ipnet.o html.o query.o \
	decimal.o calc.o calc_sum.o input.o db.o db_stmt.o db_bulk.o epoch.o queue.o job.o password.o multipart.o sheet.o sheet_csv.o sheet_xlsx.o agency_import.o nonagency.o nonagency_methods.o inventory_data.o report_status.o)
# The data-quality grade and uncertainty (issue 13; sqrtl needs libm).
SHARED_OBJ += $(O)/shared/quality.o
# The calculation's reference table read from the database (web and worker; factor day).
SHARED_OBJ += $(O)/shared/factor_table.o
LIBS_M = -lm
# The validation board's rules (issue 13).
SHARED_OBJ += $(O)/shared/board_rules.o
# The de minimis 沿用 rule (issue 13, SPEC-2 §2d).
SHARED_OBJ += $(O)/shared/carry.o
# The stores (shared/store_*.c: all the SQL there is, by entity) as an archive, so that
# each program links only the stores it calls.
STORE_OBJ = $(patsubst shared/%.c,$(O)/shared/%.o,$(wildcard shared/store_*.c))
# The full recompute's sums up the agency tree, in memory (store_rollup.c; issue 14).
STORE_OBJ += $(O)/shared/rollup_tree.o
STORE_LIB = $(O)/libstore.a
WEB_OBJ = $(addprefix $(O)/web/, main.o request.o routes.o layout.o counties.o session.o \
	form.o audit.o factors.o report.o report_save.o page_healthz.o page_account.o page_report.o page_review.o review.o page_review_act.o page_export.o page_team.o page_agencies.o agencies.o page_import.o import_view.o page_activities.o page_inventory.o inventory.o)
# The public site's pages (and 公開資訊), the admin's content page, and the non-agency activities' saves.
WEB_OBJ += $(addprefix $(O)/web/, page_home.o page_info.o page_public.o page_admin_content.o page_activities_post.o)
# The login pages, and the team's years (and their 年度鎖定) and accounts pages.
WEB_OBJ += $(addprefix $(O)/web/, page_login.o page_team_years.o page_year_lock.o page_team_accounts.o)
# The report form's page (issue 11: split from page_report.c).
WEB_OBJ += $(O)/web/report_form.o $(O)/web/report_figures.o $(O)/web/report_post.o $(O)/web/report_notices.o
# The 數據品質與不確定性 fields the agency form and the non-agency lines share (issue 13).
WEB_OBJ += $(O)/web/dq.o
# A report's confirmed versions and their diff (issue 12).
WEB_OBJ += $(O)/web/page_versions.o
# gzip for the pages served again unchanged (issue 14).
WEB_OBJ += $(O)/web/compress.o
# The team's validation board (issue 13).
WEB_OBJ += $(O)/web/page_board.o
# The platform operator's console (issue 15).
WEB_OBJ += $(O)/web/page_admin.o $(O)/web/page_admin_accounts.o $(O)/web/page_admin_factors.o $(O)/web/page_admin_factor_change.o $(O)/web/factor_change_view.o $(O)/web/page_team_elec.o
WORKER_OBJ = $(addprefix $(O)/worker/, main.o jobs.o rollup.o export.o export_review.o export_passwords.o export_inventory.o export_charts.o export_notes.o export_nonagency.o export_factors.o export_prefetch.o)
# Factor day (issue 15).
WORKER_OBJ += $(O)/worker/factor_day.o $(O)/worker/factor_day_calc.o
# The validation board's run and its workbook (issue 13).
WORKER_OBJ += $(O)/worker/board.o $(O)/worker/export_board.o
# The quality job (issue 13): grade and uncertainty up the tree, then the board.
WORKER_OBJ += $(O)/worker/quality_job.o $(O)/worker/quality_pace.o
ADMIN_OBJ = $(O)/worker/admin.o $(O)/worker/admin_reference.o

BINS = $(O)/cityinv-web $(O)/cityinv-worker $(O)/cityinv-admin
UNIT_TESTS = $(addprefix $(O)/tests/, test_decimal test_calc test_html test_query test_config test_ipnet test_strbuf test_multipart test_import test_nonagency test_input test_job test_report_status test_quality)
# The validation board's rules (issue 13).
UNIT_TESTS += $(O)/tests/test_board_rules
# The de minimis 沿用 rule (issue 13).
UNIT_TESTS += $(O)/tests/test_carry
# The arena's reset (one kept block, the size of the last request).
UNIT_TESTS += $(O)/tests/test_arena
UNIT_TESTS += $(O)/tests/test_epoch
# The quality job's pace (a run put off by its gap is due when the gap ends).
UNIT_TESTS += $(O)/tests/test_quality_pace
# gzip for the pages served again unchanged (issue 14).
UNIT_TESTS += $(O)/tests/test_compress
# Factor day's tables before and after a change (issue 15).
UNIT_TESTS += $(O)/tests/test_factor_table
# A factor-day batch cut to what its staging tables take (worker/factor_day_calc.h).
UNIT_TESTS += $(O)/tests/test_batch_fit
# The full recompute's sums up the agency tree (issue 14).
UNIT_TESTS += $(O)/tests/test_rollup_tree

.PHONY: all build unit deps run stop test migrate install clean help loadtest fuzz
all: $(BINS)
build: all

# Every object depends on the Makefile: a new warning flag rebuilds everything, so what a fresh
# clone would refuse is refused here too.
$(O)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(STORE_LIB): $(STORE_OBJ)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(O)/cityinv-web: $(WEB_OBJ) $(SHARED_OBJ) $(STORE_LIB)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ -lfcgi $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) -lutf8proc $(LIBS_IMPORT) -lcmark $(LIBS_M) $(LIBS_Z)

# The worker and the admin link only the shared modules they use (not the web's request
# parsing, HTML or the agency importer, nor libcsv, libzip and expat with them).
WORKER_SHARED_OBJ = $(addprefix $(O)/shared/, util.o strbuf.o config.o ipnet.o decimal.o calc.o calc_sum.o nonagency.o nonagency_methods.o \
	db.o db_stmt.o db_bulk.o epoch.o queue.o job.o password.o inventory_data.o years.o arena.o report_status.o)
WORKER_SHARED_OBJ += $(O)/shared/quality.o $(O)/shared/factor_table.o
WORKER_SHARED_OBJ += $(O)/shared/board_rules.o
ADMIN_SHARED_OBJ = $(addprefix $(O)/shared/, util.o strbuf.o config.o ipnet.o decimal.o db.o db_stmt.o db_bulk.o epoch.o password.o)
# The loader checks quality-defaults.csv's items against calc_items, and
# nonagency-quality-defaults.csv's methods against na_methods.
ADMIN_SHARED_OBJ += $(O)/shared/calc.o $(O)/shared/calc_sum.o $(O)/shared/nonagency.o $(O)/shared/nonagency_methods.o

$(O)/cityinv-worker: $(WORKER_OBJ) $(WORKER_SHARED_OBJ) $(STORE_LIB)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -pthread -o $@ $^ $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) -lxlsxwriter $(LIBS_M)

$(O)/cityinv-admin: $(ADMIN_OBJ) $(ADMIN_SHARED_OBJ) $(STORE_LIB)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DB) $(LIBS_PW) -lcsv

# Unit tests of the pure modules: each links only what it tests.
$(O)/tests/test_decimal: $(O)/tests/unit/test_decimal.o $(O)/shared/decimal.o
$(O)/tests/test_calc: $(O)/tests/unit/test_calc.o $(O)/shared/calc.o $(O)/shared/calc_sum.o $(O)/shared/decimal.o $(O)/shared/input.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_nonagency: $(O)/tests/unit/test_nonagency.o $(O)/shared/nonagency.o $(O)/shared/nonagency_methods.o $(O)/shared/calc.o $(O)/shared/calc_sum.o $(O)/shared/decimal.o
$(O)/tests/test_html: $(O)/tests/unit/test_html.o $(O)/shared/html.o $(O)/shared/decimal.o $(O)/shared/strbuf.o $(O)/shared/util.o
$(O)/tests/test_query: $(O)/tests/unit/test_query.o $(O)/shared/query.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_config: $(O)/tests/unit/test_config.o $(O)/shared/config.o $(O)/shared/ipnet.o $(O)/shared/strbuf.o $(O)/shared/util.o
$(O)/tests/test_ipnet: $(O)/tests/unit/test_ipnet.o $(O)/shared/ipnet.o
$(O)/tests/test_strbuf: $(O)/tests/unit/test_strbuf.o $(O)/shared/strbuf.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_multipart: $(O)/tests/unit/test_multipart.o $(O)/shared/multipart.o $(O)/shared/query.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_import: $(O)/tests/unit/test_import.o $(O)/shared/agency_import.o $(O)/shared/sheet.o $(O)/shared/sheet_csv.o $(O)/shared/sheet_xlsx.o $(O)/shared/input.o $(O)/shared/decimal.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_job: $(O)/tests/unit/test_job.o $(O)/shared/job.o $(O)/shared/queue.o $(O)/shared/util.o
$(O)/tests/test_report_status: $(O)/tests/unit/test_report_status.o $(O)/shared/report_status.o
$(O)/tests/test_quality: $(O)/tests/unit/test_quality.o $(O)/shared/quality.o
$(O)/tests/test_factor_table: $(O)/tests/unit/test_factor_table.o $(O)/shared/factor_table.o $(O)/shared/calc.o $(O)/shared/calc_sum.o $(O)/shared/decimal.o $(O)/shared/util.o
$(O)/tests/test_board_rules: $(O)/tests/unit/test_board_rules.o $(O)/shared/board_rules.o $(O)/shared/decimal.o $(O)/shared/util.o
$(O)/tests/test_carry: $(O)/tests/unit/test_carry.o $(O)/shared/carry.o
$(O)/tests/test_rollup_tree: $(O)/tests/unit/test_rollup_tree.o $(O)/shared/rollup_tree.o $(O)/shared/decimal.o
$(O)/tests/test_arena: $(O)/tests/unit/test_arena.o $(O)/shared/arena.o $(O)/shared/util.o
$(O)/tests/test_epoch: $(O)/tests/unit/test_epoch.o $(O)/shared/epoch.o $(O)/shared/util.o
$(O)/tests/test_quality_pace: $(O)/tests/unit/test_quality_pace.o $(O)/worker/quality_pace.o $(O)/shared/util.o
$(O)/tests/test_compress: $(O)/tests/unit/test_compress.o $(O)/web/compress.o $(O)/shared/strbuf.o $(O)/shared/util.o
$(O)/tests/test_batch_fit: $(O)/tests/unit/test_batch_fit.o
$(O)/tests/test_input: $(O)/tests/unit/test_input.o $(O)/shared/input.o $(O)/shared/decimal.o $(O)/shared/arena.o $(O)/shared/util.o
$(UNIT_TESTS):
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_IMPORT) -lutf8proc -lxlsxwriter $(LIBS_REDIS) $(LIBS_M) $(LIBS_Z)

$(O)/tests/unit/%.o: CPPFLAGS += -Itests/unit
$(O)/tests/unit/test_quality_pace.o: CPPFLAGS += -Iworker
$(O)/tests/unit/test_batch_fit.o: CPPFLAGS += -Iworker
$(O)/tests/unit/test_compress.o: CPPFLAGS += -Iweb

# Store tests: the SQL of shared/store_*.c against the test stack's MariaDB (tests/run.sh
# runs them once the stack is up).  Each links the stores and what they need.
STORE_TESTS = $(patsubst tests/store/%_test.c,$(O)/tests/%_test,$(wildcard tests/store/*_test.c))
$(O)/tests/%_test: $(O)/tests/store/%_test.o $(WORKER_SHARED_OBJ) $(O)/shared/arena.o $(STORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) $(LIBS_M)

$(O)/tests/store/%.o: CPPFLAGS += -Itests/unit -Itests/store -Iweb
# The board's store test runs the board too (worker/board.c).
$(O)/tests/store/store_board_test.o: CPPFLAGS += -Iworker
$(O)/tests/store_board_test: $(O)/worker/board.o
# The quality job's figures are tested on a planted tree: its test links the job itself.
$(O)/tests/store/store_quality_test.o: CPPFLAGS += -Iworker
$(O)/tests/store_quality_test: $(O)/tests/store/store_quality_test.o $(O)/worker/quality_job.o $(O)/worker/quality_pace.o $(O)/worker/board.o $(WORKER_SHARED_OBJ) $(O)/shared/arena.o $(STORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) $(LIBS_M)
# The detail workbook's readers are threads of the worker's: their test links them.
$(O)/tests/store/export_prefetch_test.o: CPPFLAGS += -Iworker
$(O)/tests/export_prefetch_test: $(O)/tests/store/export_prefetch_test.o $(O)/worker/export_prefetch.o $(WORKER_SHARED_OBJ) $(O)/shared/arena.o $(STORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -pthread -o $@ $^ $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) $(LIBS_M)
# The declared forms are the web's: their test links the web's objects but its main.
$(O)/tests/form_test: $(O)/tests/store/form_test.o $(filter-out $(O)/web/main.o,$(WEB_OBJ)) $(SHARED_OBJ) $(STORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ -lfcgi $(LIBS_DB) $(LIBS_REDIS) $(LIBS_PW) -lutf8proc $(LIBS_IMPORT) -lcmark $(LIBS_M) $(LIBS_Z)

unit: $(UNIT_TESTS) $(STORE_TESTS)

# Installs the Debian packages (and the browser-test npm packages) that are missing.
deps:
	@scripts/deps.sh

# The whole stack on http://127.0.0.1:$(PORT)/ with data under var/; Ctrl-C stops it.
PORT ?= 8080
run: deps
	@$(MAKE) --no-print-directory all
	@PORT=$(PORT) exec scripts/stack.sh run

# Everything from scratch on private ports, then every test.
# T= selects tests: make test T="tests/http/foundation.test.mjs test_html"
test:
	@scripts/deps.sh test
	@tests/run.sh $(T)

# The mixed load of tests/load/load.mjs for LOAD_SECONDS (120) with LOAD_USERS agencies (64),
# on a private stack; prints throughput, p50/p99 and the checks (figures in bench/README.md).
loadtest: all
	@scripts/deps.sh test
	@bench/loadtest.sh

# libFuzzer on the decoders, the importer and the decimal parser (tests/fuzz/): each target's
# regression inputs, then FUZZ_SECONDS (60) of fuzzing; make test runs them for a few seconds.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh test
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# Applies the migrations to the database of CONFIG.
CONFIG ?= $(or $(CITYINV_CONFIG),/etc/cityinv/cityinv.conf)
migrate: all
	$(O)/cityinv-admin -c $(CONFIG) migrate

# A host without Docker: the programs, the schema (never the demo data), the static files, the
# nginx site template with its renderer, the systemd units (cityinv-web, cityinv-worker,
# cityinv-worker-quality), the system user (sysusers.d) and a settings file, written only
# when there is none.
#   make install [PREFIX=/usr/local] [DESTDIR=staging root] [SYSCONFDIR=/etc]
# PREFIX is where the files go and what the units and settings name; DESTDIR only stages the
# whole tree under another root (packaging, tests/deploy/install_test.sh).  The settings stay
# in SYSCONFDIR/cityinv (/etc/cityinv, as the programs' default and `make migrate`), whatever
# PREFIX: one host, one configuration.  Without DESTDIR, as root, on a host run by systemd,
# the user is created (systemd-sysusers) and systemd reloaded; nothing is enabled or started.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/cityinv
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= /etc
INSTALL_SUBST = -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: all
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/migrations/data \
		$(DESTDIR)$(DATADIR)/static $(DESTDIR)$(DATADIR)/nginx $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/cityinv
	$(Q)install -m 0755 $(O)/cityinv-web $(O)/cityinv-worker $(O)/cityinv-admin $(DESTDIR)$(BINDIR)/
	$(Q)install -m 0644 migrations/*.sql $(DESTDIR)$(DATADIR)/migrations/
	$(Q)install -m 0644 migrations/data/* $(DESTDIR)$(DATADIR)/migrations/data/
	$(Q)install -m 0644 web/static/* $(DESTDIR)$(DATADIR)/static/
	$(Q)install -m 0644 nginx/cityinv-site.conf.in $(DESTDIR)$(DATADIR)/nginx/
	$(Q)install -m 0755 docker/nginx-site.sh $(DESTDIR)$(DATADIR)/nginx/
	$(Q)for u in cityinv-web cityinv-worker cityinv-worker-quality; do \
		sed $(INSTALL_SUBST) systemd/$$u.service.in >$(DESTDIR)$(UNITDIR)/$$u.service.tmp && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.service.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.service.tmp $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done
	$(Q)install -m 0644 systemd/cityinv.sysusers $(DESTDIR)$(SYSUSERSDIR)/cityinv.conf
	$(Q)if [ -e $(DESTDIR)$(SYSCONFDIR)/cityinv/cityinv.conf ]; then \
		echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/cityinv/cityinv.conf"; \
	else \
		sed $(INSTALL_SUBST) systemd/cityinv.conf.in >$(DESTDIR)$(SYSCONFDIR)/cityinv/cityinv.conf && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/cityinv/cityinv.conf; \
	fi
	$(Q)if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ] && [ -d /run/systemd/system ]; then \
		systemd-sysusers $(SYSUSERSDIR)/cityinv.conf && systemctl daemon-reload; \
	fi

clean:
	rm -rf build

help:
	@echo "make run        build and serve http://127.0.0.1:\$$PORT/ (default 8080) with demo data"
	@echo "make test       build, start a private stack, run every test"
	@echo "make migrate    apply migrations to the database of CONFIG=file"
	@echo "make install    programs, schema, systemd units and settings (PREFIX=/usr/local, DESTDIR=)"
	@echo "make loadtest   2 minutes of mixed load on a private stack (LOAD_SECONDS, LOAD_USERS)"
	@echo "make fuzz       libFuzzer on the parsers for FUZZ_SECONDS (60) each"
	@echo "make SANITIZE=address,undefined   build with sanitizers (into build/san)"
	@echo "make V=1        show the commands"

-include $(shell find build -name '*.d' 2>/dev/null)
