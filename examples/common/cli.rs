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

/// The examples' `main`: parse the arguments (`Ok(None)` = `--help`), run,
/// and map the outcome to an exit code — 0 on success, 2 with a one-line
/// reason and the usage for a bad command line, 1 with a one-line error when
/// the run fails.
pub fn main_with<A>(
    usage: &str,
    parse: impl FnOnce(std::env::Args) -> Result<Option<A>, String>,
    run: impl FnOnce(&A) -> Result<(), String>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    let mut argv = std::env::args();
    argv.next();
    let args = match parse(argv) {
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
