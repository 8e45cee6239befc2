//! The part of a chart plotters lays out: background, title, axes, grid, ticks and axis labels.

use std::ops::Range;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::{HEIGHT, WIDTH, shorten};
use crate::format;

/// Room kept below the plot for a footnote.
pub const FOOT_HEIGHT: u32 = 22;

/// Texts and margins of a frame.
pub struct Frame<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Room on the right for a legend or colour bar.
    pub right_margin: u32,
    /// Leave out the x ticks, vertical grid lines and x title: the caller draws them (line
    /// charts, see [`super::x_axis`]).
    pub own_x_axis: bool,
    /// The same for the y ticks and horizontal grid lines (line charts, see [`super::y_axis`]).
    pub own_y_axis: bool,
}

/// Draws the frame into `svg` and returns the plot area in pixels (x range, y range from top to
/// bottom), or `None` if plotters could not draw (not expected with the SVG backend).
pub fn draw_frame<X, Y>(
    svg: &mut String,
    frame: &Frame<'_>,
    x: X,
    y: Y,
) -> Option<(Range<i32>, Range<i32>)>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).ok()?;
    let mut context = ChartBuilder::on(&root)
        .caption(shorten(frame.title, 70), ("sans-serif", 22))
        .margin_top(8)
        .margin_left(8)
        .margin_right(frame.right_margin)
        .margin_bottom(FOOT_HEIGHT)
        .x_label_area_size(46)
        .y_label_area_size(78)
        .build_cartesian_2d(x, y)
        .ok()?;
    let tick = |v: &f64| format::number_with(*v, 3);
    let mut mesh = context.configure_mesh();
    mesh.y_desc(shorten(frame.y_label, 40))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 17))
        .bold_line_style(RGBColor(225, 228, 232))
        // The faint lines between ticks were most of a frame's bytes and said little.
        .max_light_lines(0)
        .axis_style(RGBColor(110, 118, 129));
    // Asking plotters for no labels is not enough on a log axis: its key points for a budget of
    // 0 still hold one, whose label then stood over the chart's own tick label (a doubled "1e-5").
    let no_label = |_: &f64| String::new();
    if frame.own_y_axis {
        mesh.disable_y_mesh()
            .y_labels(0)
            .y_label_formatter(&no_label);
    }
    if frame.own_x_axis {
        mesh.disable_x_mesh().x_labels(0);
    } else {
        mesh.x_desc(shorten(frame.x_label, 60));
    }
    mesh.draw().ok()?;
    let range = context.plotting_area().get_pixel_range();
    drop(context);
    root.present().ok()?;
    Some(range)
}
