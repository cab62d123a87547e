//! Hand-rolled command-line helpers shared by the examples (included with
//! `#[path]`; not an example itself).

/// The value after `flag`, or a one-line reason.
pub fn value(flag: &str, v: Option<String>) -> Result<String, String> {
    v.ok_or_else(|| format!("{flag} needs a value"))
}

/// The value after `flag` parsed as `N`, or a one-line reason naming `what`
/// was expected.
pub fn number<N: std::str::FromStr>(
    flag: &str,
    v: Option<String>,
    what: &str,
) -> Result<N, String> {
    let v = value(flag, v)?;
    v.parse()
        .map_err(|_| format!("{flag} {v:?}: expected {what}"))
}

/// The command-line arguments after the program name, or an error naming the
/// first one that is not valid UTF-8 (`std::env::args` would panic on it).
pub fn utf8_args() -> Result<Vec<String>, String> {
    std::env::args_os()
        .skip(1)
        .enumerate()
        .map(|(i, a)| {
            a.into_string().map_err(|a| {
                format!(
                    "argument {} ({:?}) is not valid UTF-8",
                    i + 1,
                    a.to_string_lossy()
                )
            })
        })
        .collect()
}

/// The examples' `main`: parse the arguments (`Ok(None)` = `--help`), run,
/// and map the outcome to an exit code — 0 on success, 2 with a one-line
/// reason and the usage for a bad command line, 1 with a one-line error when
/// the run fails.
pub fn main_with<A>(
    usage: &str,
    parse: impl FnOnce(std::vec::IntoIter<String>) -> Result<Option<A>, String>,
    run: impl FnOnce(&A) -> Result<(), String>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let args = match utf8_args().and_then(|argv| parse(argv.into_iter())) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(reason) => {
            eprintln!("error: {reason}\n\n{usage}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
