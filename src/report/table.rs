//! One table abstraction for the summary's text formats, as hyperfine's exporters share
//! `MarkupExporter`: a [`Table`] is its columns (a heading and an alignment) and its rows of
//! cells already written in the format's markup, and each format ([`Markdown`], [`Latex`],
//! [`Csv`]) only says how a table is laid out. The writers of `ahnb summary` build tables and
//! hand them to one of these instead of each laying out rows by hand.

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Columns and rows of cells, in the markup of the format that will lay them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<(String, Align)>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a column.
    pub fn column(&mut self, heading: impl Into<String>, align: Align) -> &mut Self {
        self.columns.push((heading.into(), align));
        self
    }

    /// Adds a row: one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        self.rows.push(cells);
    }
}

/// How one output format lays out a table.
pub trait Markup {
    /// Appends the table to `out`.
    fn write_table(&self, out: &mut String, table: &Table);
}

/// A GitHub-flavoured Markdown pipe table, the alignment in its delimiter row.
pub struct Markdown;

impl Markup for Markdown {
    fn write_table(&self, out: &mut String, table: &Table) {
        let mut line = |cells: &mut dyn Iterator<Item = &str>| {
            out.push('|');
            for cell in cells {
                out.push(' ');
                out.push_str(cell);
                out.push_str(" |");
            }
            out.push('\n');
        };
        line(&mut table.columns.iter().map(|(heading, _)| heading.as_str()));
        out.push('|');
        for (_, align) in &table.columns {
            out.push_str(match align {
                Align::Left => ":---|",
                Align::Right => "---:|",
            });
        }
        out.push('\n');
        for row in &table.rows {
            out.push('|');
            for cell in row {
                out.push(' ');
                out.push_str(cell);
                out.push_str(" |");
            }
            out.push('\n');
        }
    }
}

/// A booktabs `tabular` (`\toprule`, `\midrule`, `\bottomrule`), indented to sit inside a
/// `table` environment.
pub struct Latex;

impl Markup for Latex {
    fn write_table(&self, out: &mut String, table: &Table) {
        let spec: String = table
            .columns
            .iter()
            .map(|(_, align)| match align {
                Align::Left => 'l',
                Align::Right => 'r',
            })
            .collect();
        out.push_str("  \\begin{tabular}{");
        out.push_str(&spec);
        out.push_str("}\n    \\toprule\n");
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            out.push_str("    ");
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    out.push_str(" & ");
                }
                out.push_str(cell);
            }
            out.push_str(" \\\\\n");
        };
        line(
            out,
            &mut table.columns.iter().map(|(heading, _)| heading.as_str()),
        );
        out.push_str("    \\midrule\n");
        for row in &table.rows {
            line(out, &mut row.iter().map(String::as_str));
        }
        out.push_str("    \\bottomrule\n  \\end{tabular}\n");
    }
}

/// RFC 4180 CSV: the headings as the first record, `\n` line ends, a field quoted when it holds
/// a comma, a quote or a line break (alignment means nothing here).
pub struct Csv;

impl Markup for Csv {
    fn write_table(&self, out: &mut String, table: &Table) {
        push_record(
            out,
            table.columns.iter().map(|(heading, _)| heading.as_str()),
        );
        for row in &table.rows {
            push_record(out, row.iter().map(String::as_str));
        }
    }
}

fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new();
        table
            .column("run", Align::Left)
            .column("loss", Align::Right);
        table.row(vec!["a,b".to_owned(), "0.5".to_owned()]);
        table.row(vec!["say \"hi\"".to_owned(), String::new()]);
        table
    }

    #[test]
    fn each_format_lays_out_the_same_table() {
        let mut md = String::new();
        Markdown.write_table(&mut md, &sample());
        assert_eq!(
            md,
            "| run | loss |\n|:---|---:|\n| a,b | 0.5 |\n| say \"hi\" |  |\n"
        );
        let mut tex = String::new();
        Latex.write_table(&mut tex, &sample());
        assert_eq!(
            tex,
            "  \\begin{tabular}{lr}\n    \\toprule\n    run & loss \\\\\n    \\midrule\n    a,b & 0.5 \\\\\n    say \"hi\" &  \\\\\n    \\bottomrule\n  \\end{tabular}\n"
        );
        let mut csv = String::new();
        Csv.write_table(&mut csv, &sample());
        assert_eq!(csv, "run,loss\n\"a,b\",0.5\n\"say \"\"hi\"\"\",\n");
    }
}
