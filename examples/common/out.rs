//! `outln!` and `out!`: the examples' `println!` and `print!`, except that a
//! closed stdout (`cargo run --example spiral | head`) ends the program
//! quietly with status 0, as `ripgrep` does, where `println!` would panic
//! with "failed printing to stdout: Broken pipe". Any other write error
//! still panics with its reason. Included with `#[macro_use] #[path]`; not
//! an example itself.
//!
//! Ending there loses nothing: the reader is gone, and the examples write
//! their files atomically (a temp file, then a rename), so a file is either
//! whole or not there.

/// `print!` that ends the program quietly when stdout is a closed pipe.
#[allow(unused_macros)] // not every example prints without a newline
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write_or_exit(format_args!($($arg)*))
    };
}

/// `println!` that ends the program quietly when stdout is a closed pipe.
macro_rules! outln {
    () => {
        $crate::out::write_or_exit(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write_or_exit(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `args` to stdout (line-buffered, like `print!`); exits with
/// status 0 if the reader has closed the pipe.
pub fn write_or_exit(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        panic!("failed printing to stdout: {e}");
    }
}
