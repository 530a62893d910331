//! Charts drawn on the server as SVG (no script): the geometry is computed here, in integer
//! pixels, and `templates/police/chart.svg` writes it out (escaping every label). Flags are
//! coloured by severity ([`crate::domain::FlagReason::severity`]). Every word and figure comes
//! in the reader's language (the page's [`Lang`]: its messages, figures and dates).

use askama::Template;

use super::stats::{DayStat, MAX_SEVERITY, ReasonStat};
use crate::domain::FlagReason;
use crate::http::web::Lang;

/// A flag reason as the workspace names it (`police-flag-<reason>`: "document lost or stolen").
pub fn reason_label(lang: &Lang, r: FlagReason) -> String {
    lang.try_t(&format!("police-flag-{}", r.as_str())).unwrap_or_else(|| r.as_str().replace('_', " "))
}

/// The colour of a severity (1 = registry outage ... 5 = stolen document, deceased holder).
pub fn severity_colour(severity: u8) -> &'static str {
    match severity {
        5.. => "#b42318",
        4 => "#e8590c",
        3 => "#f59f00",
        2 => "#4263eb",
        _ => "#868e96",
    }
}

/// What each severity covers, for legends (the pages colour them with the `sev-N` classes of
/// `static/app.css`, which use the same colours: the CSP allows no inline styles).
pub fn severity_legend(lang: &Lang) -> Vec<(u8, String)> {
    (1..=MAX_SEVERITY).rev().map(|s| (s, lang.t(&format!("police-severity-{s}")))).collect()
}

const CHECKIN_COLOUR: &str = "#ced4da";

pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub fill: &'static str,
    /// Tooltip.
    pub title: String,
}

pub struct Text {
    pub x: i64,
    pub y: i64,
    /// `start`, `middle`, `end`.
    pub anchor: &'static str,
    pub text: String,
}

pub struct Line {
    pub x1: i64,
    pub y1: i64,
    pub x2: i64,
    pub y2: i64,
}

/// An SVG chart.
#[derive(Template)]
#[template(path = "police/chart.svg")]
pub struct Chart {
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub rects: Vec<Rect>,
    pub texts: Vec<Text>,
    pub lines: Vec<Line>,
}

impl Chart {
    fn new(title: &str, width: i64, height: i64) -> Chart {
        Chart { title: title.to_owned(), width, height, rects: vec![], texts: vec![], lines: vec![] }
    }

    /// The SVG text (empty if the template fails, which is logged).
    pub fn svg(&self) -> String {
        self.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "chart failed to render");
            String::new()
        })
    }

    fn text(&mut self, x: i64, y: i64, anchor: &'static str, text: impl Into<String>) {
        self.texts.push(Text { x, y, anchor, text: text.into() });
    }
}

/// The width of `text` at the charts' 11 px sans-serif, estimated from above: 6 px a character,
/// 11 px for a wide (CJK) one.
fn text_width(text: &str) -> i64 {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 11 } else { 6 }).sum()
}

/// A round axis maximum at or above `max` (1, 2, 4, 8 × 10^n: quarters stay whole).
fn nice_max(max: usize) -> i64 {
    let max = max.max(1) as i64;
    let mut step = 1;
    loop {
        for m in [1, 2, 4, 8] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// Gridlines at whole values only: quarters of the axis, or fewer when the axis is short.
fn y_axis(lang: &Lang, chart: &mut Chart, left: i64, top: i64, plot_h: i64, right: i64, axis_max: i64) {
    for i in 0..=4 {
        if (axis_max * i) % 4 != 0 {
            continue;
        }
        let y = top + plot_h - plot_h * i / 4;
        chart.lines.push(Line { x1: left, y1: y, x2: right, y2: y });
        chart.text(left - 6, y + 4, "end", lang.number(axis_max * i / 4));
    }
}

/// Check-ins (grey) and flags (stacked by severity) per day.
pub fn daily(lang: &Lang, days: &[DayStat]) -> Chart {
    let (left, top, bottom, right_pad) = (36, 12, 28, 8);
    let slot = 26;
    let width = left + slot * days.len() as i64 + right_pad;
    let height = 200;
    let plot_h = height - top - bottom;
    let mut chart = Chart::new(&lang.t("chart-daily-title"), width, height);
    let axis_max = nice_max(days.iter().map(|d| d.checkins.max(d.flags())).max().unwrap_or(0));
    y_axis(lang, &mut chart, left, top, plot_h, width - right_pad, axis_max);
    let scale = |n: usize| (n as i64 * plot_h) / axis_max;
    for (i, d) in days.iter().enumerate() {
        let x = left + slot * i as i64 + 3;
        let date = lang.date(d.date);
        let h = scale(d.checkins);
        chart.rects.push(Rect {
            x,
            y: top + plot_h - h,
            w: 10,
            h,
            fill: CHECKIN_COLOUR,
            title: lang.t_with(
                "chart-daily-checkins",
                &[("date", date.clone().into()), ("count", (d.checkins as i64).into()), ("figure", lang.number(d.checkins).into())],
            ),
        });
        let mut y = top + plot_h;
        for severity in (1..=MAX_SEVERITY).rev() {
            let n = d.flags_by_severity[severity as usize];
            if n == 0 {
                continue;
            }
            let h = scale(n).max(2);
            y -= h;
            chart.rects.push(Rect {
                x: x + 11,
                y,
                w: 10,
                h,
                fill: severity_colour(severity),
                title: lang.t_with(
                    "chart-daily-flags",
                    &[
                        ("date", date.clone().into()),
                        ("count", (n as i64).into()),
                        ("figure", lang.number(n).into()),
                        ("level", lang.number(severity).into()),
                    ],
                ),
            });
        }
        let last = i + 1 == days.len();
        if (i % 7 == 0 && days.len() - i > 3) || last {
            chart.text(x + 10, height - 10, "middle", d.date.format(&lang.t("format-day-month")).to_string());
        }
    }
    chart
}

/// Flags by reason: total in the window (light) and open now (solid), coloured by severity.
pub fn by_reason(lang: &Lang, stats: &[ReasonStat]) -> Chart {
    let (top, row_h, bar_max) = (8, 26, 220);
    // Room for the longest label and figures in this language (Spanish ones run longer).
    let labels: Vec<String> = stats.iter().map(|s| reason_label(lang, s.reason)).collect();
    let figures: Vec<String> = stats
        .iter()
        .map(|s| lang.t_with("chart-reasons-figures", &[("total", lang.number(s.total).into()), ("open", lang.number(s.open).into())]))
        .collect();
    let label_w = labels.iter().map(|l| text_width(l)).max().unwrap_or(0).max(154) + 16;
    let width = label_w + bar_max + figures.iter().map(|f| text_width(f)).max().unwrap_or(0).max(54) + 16;
    let height = top * 2 + row_h * stats.len().max(1) as i64;
    let mut chart = Chart::new(&lang.t("chart-reasons-title"), width, height);
    let max = stats.iter().map(|s| s.total.max(s.open)).max().unwrap_or(0).max(1) as i64;
    if stats.is_empty() {
        chart.text(8, top + 16, "start", lang.t("chart-reasons-none"));
    }
    for (i, s) in stats.iter().enumerate() {
        let y = top + row_h * i as i64;
        let colour = severity_colour(s.reason.severity());
        chart.text(label_w - 8, y + 16, "end", labels[i].clone());
        let total_w = (s.total as i64 * bar_max / max).max(if s.total > 0 { 2 } else { 0 });
        let open_w = (s.open as i64 * bar_max / max).max(if s.open > 0 { 2 } else { 0 });
        let (total, open) = (s.total as i64, s.open as i64);
        let title = lang.count_figure("chart-reasons-total", total);
        chart.rects.push(Rect { x: label_w, y: y + 4, w: total_w, h: 16, fill: CHECKIN_COLOUR, title });
        chart.rects.push(Rect { x: label_w, y: y + 8, w: open_w, h: 8, fill: colour, title: lang.count_figure("chart-reasons-open", open) });
        chart.text(label_w + total_w.max(open_w) + 6, y + 16, "start", figures[i].clone());
    }
    chart
}

/// Resolutions by time from flag to resolution.
pub fn resolution_times(lang: &Lang, buckets: &[(&'static str, usize)]) -> Chart {
    let (left, top, bottom, slot) = (36, 12, 28, 56);
    let width = left + slot * buckets.len() as i64 + 8;
    let height = 180;
    let plot_h = height - top - bottom;
    let mut chart = Chart::new(&lang.t("chart-resolution-title"), width, height);
    let axis_max = nice_max(buckets.iter().map(|(_, n)| *n).max().unwrap_or(0));
    y_axis(lang, &mut chart, left, top, plot_h, width - 8, axis_max);
    for (i, (_, n)) in buckets.iter().enumerate() {
        // The buckets of `stats::RESOLUTION_BUCKETS`, by position: `chart-bucket-0` is "< 1 h".
        let label = lang.t(&format!("chart-bucket-{i}"));
        let x = left + slot * i as i64 + 8;
        let h = *n as i64 * plot_h / axis_max;
        chart.rects.push(Rect { x, y: top + plot_h - h, w: slot - 16, h, fill: "#495057", title: format!("{label}: {}", lang.number(*n)) });
        chart.text(x + (slot - 16) / 2, height - 10, "middle", label);
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_to_round_maxima() {
        assert_eq!((nice_max(0), nice_max(3), nice_max(7), nice_max(11)), (1, 4, 8, 20));
        let svg = by_reason(&Lang::default(), &[ReasonStat { reason: FlagReason::DocumentLostOrStolen, total: 3, open: 1 }]).svg();
        assert!(svg.starts_with("<svg") && svg.contains("document lost or stolen"), "{svg}");
        assert!(svg.contains(severity_colour(5)));
        let mut axis = Chart::new("t", 100, 100);
        y_axis(&Lang::default(), &mut axis, 10, 0, 80, 90, 1);
        assert_eq!(axis.texts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["0", "1"], "whole values only");
        let mut chart = Chart::new("<b>", 10, 10);
        chart.text(0, 0, "start", "<script>");
        assert!(!chart.svg().contains("<script>"));
    }

    #[test]
    fn charts_speak_the_readers_language_and_format_its_figures() {
        let es = Lang::exact("es").unwrap();
        let svg = by_reason(&es, &[ReasonStat { reason: FlagReason::DocumentLostOrStolen, total: 12_345, open: 1 }]).svg();
        assert!(svg.contains("Alertas por motivo") && svg.contains("12.345"), "{svg}");
        let zh = Lang::exact("zh-CN").unwrap();
        let svg = resolution_times(&zh, &[("< 1 h", 2), ("1–4 h", 0)]).svg();
        assert!(svg.contains("从标记到处理的时间") && svg.contains("小时"), "{svg}");
    }
}
