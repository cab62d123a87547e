//! `GROUNDUP_TEST_SCALE`: the one switch that lets the heaviest tests run
//! smaller problems under emulation (`scripts/cross-test.sh` sets it to
//! `small` for the qemu targets, where a 1.4 GFLOP training step takes
//! seconds). `full` (or unset) is the default everywhere else.
//!
//! A scaled-down GEMM test still takes the same code paths: the sizes it
//! picks still cross the portable kernel's blocking boundaries (KC = 256
//! deep, MC = 96 rows) and the thread threshold. A scaled-down training
//! run trains fewer epochs (or on a smaller corpus) and is compared with
//! the book's run over what it trained. Each test says what it keeps.

/// Whether `GROUNDUP_TEST_SCALE=small`; panics on a value it does not know,
/// so a typo cannot silently run the full (or the small) suite.
pub fn small() -> bool {
    match std::env::var("GROUNDUP_TEST_SCALE") {
        Err(_) => false,
        Ok(v) => match v.trim() {
            "" | "full" => false,
            "small" => true,
            other => panic!("GROUNDUP_TEST_SCALE={other:?}: expected \"small\" or \"full\""),
        },
    }
}

/// `full` normally, `small` under `GROUNDUP_TEST_SCALE=small`.
pub fn pick<T>(full: T, small: T) -> T {
    if self::small() {
        small
    } else {
        full
    }
}
