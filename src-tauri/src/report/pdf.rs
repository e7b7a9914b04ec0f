//! PDFs made in Rust with krilla: A4 pages laid out top-down from a list of items, text in a
//! CJK font embedded as a subset (only the glyphs used), photos as JPEG. Invariant: the same
//! input gives the same document whatever machine prints it (no system fonts at print time).

use std::sync::{Arc, OnceLock};

use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;

/// Where Debian's fonts-noto-cjk puts the collection, and the index of Simplified Chinese in it.
const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const NOTO_CJK_SC_INDEX: u32 = 2;

/// A4 in points, and the margins.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 48.0;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    #[error("no CJK font at {0} (install fonts-noto-cjk, or set ZKDESK_CJK_FONT)")]
    NoFont(String),
    #[error("pdf: {0}")]
    Build(String),
}

impl PdfError {
    pub fn message(&self) -> &'static str {
        match self {
            PdfError::NoFont(_) => "找不到中文字体（fonts-noto-cjk），无法生成 PDF，请联系技术支持",
            PdfError::Build(_) => "生成 PDF 失败，请重试",
        }
    }
}

/// The CJK font, read once. `ZKDESK_CJK_FONT=PATH[#INDEX]` chooses another.
fn font() -> Result<Font, PdfError> {
    static FONT: OnceLock<Result<Font, PdfError>> = OnceLock::new();
    FONT.get_or_init(|| {
        let (path, index) = match std::env::var("ZKDESK_CJK_FONT") {
            Ok(v) => match v.rsplit_once('#') {
                Some((p, i)) => (p.to_string(), i.parse().unwrap_or(0)),
                None => (v, 0),
            },
            Err(_) => (NOTO_CJK.to_string(), NOTO_CJK_SC_INDEX),
        };
        let data = std::fs::read(&path).map_err(|_| PdfError::NoFont(path.clone()))?;
        Font::new(Arc::new(data).into(), index).ok_or(PdfError::NoFont(path))
    })
    .clone()
}

/// What a page is made of, top to bottom.
pub enum Item {
    Title(String),
    Text { text: String, size: f32 },
    /// A label and its value on one line.
    Field { label: String, value: String },
    /// One table row; `widths` are fractions of the text width.
    Row { cells: Vec<String>, widths: Vec<f32>, bold: bool },
    /// A JPEG placed at the right edge beside what follows (the candidate's photo).
    PhotoRight { jpeg: Vec<u8>, width: f32, height: f32 },
    /// A bar chart of counts.
    Bars { title: String, bars: Vec<(String, i64)> },
    /// Signature lines, side by side.
    Signatures(Vec<String>),
    Rule,
    Gap(f32),
}

/// Rough advance of a string at `size`: CJK and full-width characters are one em, others half.
fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(|c| if (c as u32) < 0x2E80 { 0.55 } else { 1.0 }).sum::<f32>() * size
}

/// The longest prefix of `s` that fits `width` at `size`, with an ellipsis when cut.
fn fit(s: &str, width: f32, size: f32) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out, size) + text_width("…", size) + text_width(&c.to_string(), size) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn height(item: &Item) -> f32 {
    match item {
        Item::Title(_) => 34.0,
        Item::Text { size, .. } => size * 1.6,
        Item::Field { .. } => 20.0,
        Item::Row { .. } => 17.0,
        Item::PhotoRight { .. } => 0.0,
        Item::Bars { .. } => 150.0,
        Item::Signatures(_) => 48.0,
        Item::Rule => 10.0,
        Item::Gap(h) => *h,
    }
}

struct Pen<'a, 'b> {
    surface: &'a mut krilla::surface::Surface<'b>,
    font: Font,
    y: f32,
}

impl Pen<'_, '_> {
    fn text(&mut self, x: f32, baseline: f32, size: f32, text: &str) {
        if !text.is_empty() {
            self.surface.draw_text(Point::from_xy(x, baseline), self.font.clone(), size, text, false, TextDirection::Auto);
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke { width, ..Default::default() }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(Fill::default()));
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let mut pb = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x, y, w.max(0.1), h.max(0.1)) {
            pb.push_rect(r);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(Some(Fill::default()));
            self.surface.draw_path(&path);
        }
    }

    fn draw(&mut self, item: &Item) -> Result<(), PdfError> {
        let w = PAGE_W - 2.0 * MARGIN;
        let y = self.y;
        match item {
            Item::Title(t) => {
                let size = 20.0;
                self.text((PAGE_W - text_width(t, size)) / 2.0, y + 24.0, size, t);
            }
            Item::Text { text, size } => self.text(MARGIN, y + size * 1.2, *size, &fit(text, w, *size)),
            Item::Field { label, value } => {
                self.text(MARGIN, y + 14.0, 11.0, label);
                self.text(MARGIN + 90.0, y + 14.0, 12.0, &fit(value, w - 90.0 - 130.0, 12.0));
            }
            Item::Row { cells, widths, bold } => {
                let size = if *bold { 10.0 } else { 9.0 };
                let mut x = MARGIN;
                for (c, f) in cells.iter().zip(widths) {
                    self.text(x, y + 12.0, size, &fit(c, f * w - 4.0, size));
                    x += f * w;
                }
                self.line(MARGIN, y + 16.0, MARGIN + w, y + 16.0, if *bold { 0.8 } else { 0.2 });
            }
            Item::PhotoRight { jpeg, width, height } => {
                let image = Image::from_jpeg(jpeg.clone().into(), true).map_err(PdfError::Build)?;
                let size = Size::from_wh(*width, *height).ok_or_else(|| PdfError::Build("photo size".into()))?;
                self.surface.push_transform(&Transform::from_translate(PAGE_W - MARGIN - width, y));
                self.surface.draw_image(image, size);
                self.surface.pop();
            }
            Item::Bars { title, bars } => {
                self.text(MARGIN, y + 14.0, 11.0, title);
                let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f32;
                let n = bars.len().max(1) as f32;
                let slot = w / n;
                let base = y + 130.0;
                for (i, (label, v)) in bars.iter().enumerate() {
                    let h = 100.0 * (*v as f32) / max;
                    let x = MARGIN + i as f32 * slot;
                    self.rect(x + slot * 0.15, base - h, slot * 0.7, h);
                    self.text(x + slot * 0.15, base - h - 3.0, 7.0, &v.to_string());
                    self.text(x + slot * 0.15, base + 11.0, 7.0, &fit(label, slot, 7.0));
                }
                self.line(MARGIN, base, MARGIN + w, base, 0.5);
            }
            Item::Signatures(names) => {
                let slot = w / names.len().max(1) as f32;
                for (i, n) in names.iter().enumerate() {
                    let x = MARGIN + i as f32 * slot;
                    self.text(x, y + 36.0, 11.0, &format!("{n}："));
                    self.line(x + 70.0, y + 38.0, x + slot - 16.0, y + 38.0, 0.6);
                }
            }
            Item::Rule => self.line(MARGIN, y + 5.0, MARGIN + w, y + 5.0, 0.6),
            Item::Gap(_) => {}
        }
        self.y += height(item);
        Ok(())
    }
}

/// Lays the items out on as many A4 pages as they need, with a footer on each.
pub fn render(items: &[Item], footer: &str) -> Result<Vec<u8>, PdfError> {
    let font = font()?;
    let mut doc = Document::new();
    let pages = paginate(items);
    let total = pages.len();
    for (n, page_items) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Build("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let mut pen = Pen { surface: &mut surface, font: font.clone(), y: MARGIN };
        for item in page_items {
            pen.draw(item)?;
        }
        pen.text(MARGIN, PAGE_H - MARGIN / 2.0, 8.0, &format!("{footer}    第 {} / {} 页", n + 1, total));
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Build(format!("{e:?}")))
}

/// Splits items into pages; a table's heading row is repeated at the top of each new page.
fn paginate(items: &[Item]) -> Vec<Vec<&Item>> {
    let bottom = PAGE_H - MARGIN - 20.0;
    let mut pages = vec![vec![]];
    let mut y = MARGIN;
    let mut heading: Option<&Item> = None;
    for item in items {
        if let Item::Row { bold: true, .. } = item {
            heading = Some(item);
        } else if !matches!(item, Item::Row { .. }) {
            heading = None;
        }
        let h = height(item);
        if y + h > bottom && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(vec![]);
            y = MARGIN;
            if let (Some(head), Item::Row { bold: false, .. }) = (heading, item) {
                pages.last_mut().expect("a page was just pushed").push(head);
                y += height(head);
            }
        }
        pages.last_mut().expect("there is always a page").push(item);
        y += h;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_fit_and_short_text_kept() {
        assert_eq!(fit("张三", 100.0, 10.0), "张三");
        let cut = fit(&"很长的专业名称".repeat(10), 60.0, 10.0);
        assert!(cut.ends_with('…') && text_width(&cut, 10.0) <= 60.0 + 10.0, "{cut}");
    }

    #[test]
    fn a_long_table_spans_pages_with_its_heading_repeated() {
        let head = Item::Row { cells: vec!["姓名".into()], widths: vec![1.0], bold: true };
        let mut items = vec![Item::Title("日结单".into()), head];
        items.extend((0..100).map(|i| Item::Row { cells: vec![format!("考生{i}")], widths: vec![1.0], bold: false }));
        let pages = paginate(&items);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for p in &pages[1..] {
            assert!(matches!(p[0], Item::Row { bold: true, .. }), "each page starts with the heading");
        }
        let rows: usize = pages.iter().map(|p| p.iter().filter(|i| matches!(i, Item::Row { bold: false, .. })).count()).sum();
        assert_eq!(rows, 100, "no row lost or doubled");
    }
}
