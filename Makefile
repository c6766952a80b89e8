# The two commands of the README, and the developer targets around them.
#   make run    install what is missing, build (Release), scan the bundled sample into tincay.db
#   make test   install what is missing, build with ASan+UBSan (clang), run every test
.PHONY: run test build deps format lint fuzz bench soak clean models

JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
TEST_DIR := build/test
CMAKE_GEN := -G Ninja

deps:
	@scripts/setup-deps

build: deps
	@cmake -S . -B $(RELEASE_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

run: build
	@[ -f web/dist/index.html ] || { echo "== building the web dashboard (scripts/web build)"; scripts/web build; }
	@echo "== tincay scan examples/posts.jsonl --db tincay.db"
	@$(RELEASE_DIR)/tincay scan examples/posts.jsonl --db tincay.db --out $(RELEASE_DIR)/decisions.jsonl; \
	  rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ] || exit $$rc
	@echo
	@echo "Decisions (one JSON line per post) are in $(RELEASE_DIR)/decisions.jsonl; posts and"
	@echo "decisions are stored in tincay.db. Try next:"
	@echo "  head -n 3 $(RELEASE_DIR)/decisions.jsonl"
	@echo "  echo '{\"text\":\"Tuyển CTV việc nhẹ lương cao, inbox ngay\"}' | $(RELEASE_DIR)/tincay scan --no-db"
	@echo "  echo 'Đây là văn bản thử nghiệm' | $(RELEASE_DIR)/tincay normalize"
	@echo "  sqlite3 tincay.db 'SELECT action, COUNT(*) FROM decisions GROUP BY action'"
	@echo "  $(RELEASE_DIR)/tincay scan --help"
	@echo "  $(RELEASE_DIR)/tincay keys create --db tincay.db --role reviewer   # then:"
	@echo "  $(RELEASE_DIR)/tincay serve --db tincay.db   # dashboard at http://127.0.0.1:8080/"

test: deps
	@cmake -S . -B $(TEST_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_COMPILER=clang++ -DTINCAY_SANITIZE=ON -DTINCAY_WERROR=ON \
	  -DTINCAY_BUILD_TESTS=ON -DTINCAY_BUILD_FUZZ=ON > /dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS) -LE 'slow|soak|quality'

# Retrains the bundled models in models/ from ../shared/datasets (docs/models.md).
models: build
	@scripts/train-models

# Runs every fuzz target for FUZZ_SECONDS each (default 300).
FUZZ_SECONDS ?= 300
fuzz: test
	@for f in $(TEST_DIR)/fuzz/*_fuzz; do \
	  name=$$(basename $$f); mkdir -p $(TEST_DIR)/fuzz-corpus/$$name; \
	  echo "== $$name for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(TEST_DIR)/fuzz-corpus/$$name fuzz/corpus/$${name%_fuzz} || exit 1; \
	done

# Benchmarks: Google Benchmark binaries under build/bench/bench/, then the end-to-end scripts.
# Figures go to docs/benchmarks.md with the command that produced them.
bench: deps
	@cmake -S . -B build/bench $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DTINCAY_BUILD_BENCH=ON > /dev/null
	@cmake --build build/bench -j $(JOBS)
	@for b in build/bench/bench/*_bench; do [ -x "$$b" ] || continue; echo "== $$b"; "$$b" || exit 1; done
	@echo "== bench/scan_e2e.sh"; bench/scan_e2e.sh build/bench
	@echo "== bench/normalize_e2e.sh"; bench/normalize_e2e.sh build/bench
	@echo "== bench/serve.sh"; bench/serve.sh build/bench
	@echo "== bench/models_vs_fasttext.sh"; bench/models_vs_fasttext.sh build/bench
	@echo "== bench/scale_e2e.sh"; bench/scale_e2e.sh build/bench

# Soak test of tincay serve (bench/soak.sh): steady load on POST /v1/scan for SOAK_SECONDS
# (default 300) with the server's RSS sampled; fails on any non-2xx answer, socket error or memory
# growth. SOAK_SECONDS=30 make soak for a short run. Figures go to docs/benchmarks.md.
SOAK_SECONDS ?= 300
soak: build
	@SOAK_SECONDS=$(SOAK_SECONDS) bench/soak.sh $(RELEASE_DIR)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: deps
	@cmake -S . -B $(TEST_DIR) $(CMAKE_GEN) -DCMAKE_CXX_COMPILER=clang++ -DTINCAY_BUILD_TESTS=ON > /dev/null
	@git ls-files 'src/*.cc' | xargs -P $(JOBS) -n 4 clang-tidy -p $(TEST_DIR) --quiet
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
