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
            outln!("{usage}");
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

/// The value of `--dtype`: `f32` or `f64`, or a one-line reason.
#[allow(dead_code)] // not every example has every flag
pub fn dtype(flag: &str, v: Option<String>) -> Result<String, String> {
    let v = value(flag, v)?;
    if v != "f32" && v != "f64" {
        return Err(format!("{flag} {v:?}: expected f32 or f64"));
    }
    Ok(v)
}

/// The value of a `--max-grad X|none` flag: a positive norm, or `None`
/// for no clipping; otherwise a one-line reason.
#[allow(dead_code)] // not every example has every flag
pub fn max_grad(flag: &str, v: Option<String>) -> Result<Option<f64>, String> {
    let v = value(flag, v)?;
    if v == "none" {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
        _ => Err(format!("{flag} {v:?}: expected a positive number or none")),
    }
}

/// A trainer's `loss_list`: one value per line to `csv` (when given) and
/// the curve to `out/loss.svg` (when there is one), each announced with
/// `wrote <path>`.
#[allow(dead_code)] // not every example has every flag
pub fn write_loss_outputs(
    loss_list: &[f64],
    eval_interval: usize,
    csv: Option<&std::path::Path>,
    out: &std::path::Path,
) -> Result<(), String> {
    write_curve_outputs(loss_list, eval_interval, csv, out, "loss")
}

/// [`write_loss_outputs`] for any per-report series: the curve goes to
/// `out/{what}.svg` with `what` as its y-axis label (`loss` draws the
/// default loss curve).
#[allow(dead_code)] // not every example has every flag
pub fn write_curve_outputs(
    values: &[f64],
    eval_interval: usize,
    csv: Option<&std::path::Path>,
    out: &std::path::Path,
    what: &str,
) -> Result<(), String> {
    if let Some(path) = csv {
        let text: String = values.iter().map(|l| format!("{l}\n")).collect();
        groundup::io::write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())?;
        outln!("wrote {}", path.display());
    }
    if !values.is_empty() {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let path = out.join(format!("{what}.svg"));
        let svg = if what == "loss" {
            groundup::plot::loss_curve(values, eval_interval)
        } else {
            let opts = groundup::plot::Options::new().y_label(what);
            groundup::plot::loss_curve_with(values, eval_interval, &opts)
        };
        groundup::io::write_atomic(&path, svg.as_bytes()).map_err(|e| e.to_string())?;
        outln!("wrote {}", path.display());
    }
    Ok(())
}
