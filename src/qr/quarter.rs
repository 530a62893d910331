//! Reads the luma of a large baseline JPEG at a quarter of its width and height, on two cores
//! even when the file has no restart markers: the fast first raster for 12–48 MP phone photos.
//!
//! Why this is ours: a QR code in a 12 MP photo is read from a raster of about 1 000 px, yet a
//! JPEG decoder spends most of its time on the entropy-coded data of the whole photo, one bit
//! after the other (T.81 §F.2.2), and no decoder we can use splits a file that has no restart
//! markers (phones mostly write none). Two things make a quarter-size luma raster cheap:
//!
//! - **Only what a quarter-size pixel needs.** Each 8 × 8 luma block becomes 2 × 2 pixels, the
//!   means of its four 4 × 4 quadrants. A quadrant mean of the inverse DCT (T.81 §A.3.3) depends
//!   only on the coefficients whose horizontal and vertical frequencies are 0 or odd; each such
//!   coefficient adds a fixed weight to the four means. So there is no IDCT, no chroma, no
//!   upsampling: Huffman decoding (§F.2.2.1–3) plus a few multiply-adds per coefficient.
//! - **Both halves at once.** Huffman codes resynchronise: a decoder started at an arbitrary bit
//!   in the middle of the scan decodes garbage for a few blocks, then falls into step with the
//!   true block boundaries (Weißenberger & Schmidt, "Massively parallel Huffman decoding on
//!   GPUs", ICPP 2018; for JPEG: "Accelerating JPEG decompression on GPUs", 2021). The second
//!   thread decodes from the middle to the end, recording where each MCU starts; the first
//!   decodes exactly from the start and, past the middle, stops at the first MCU start the
//!   second recorded (same bit, same place in the MCU: from there both decode the same symbols).
//!   DC coefficients are differences (§F.2.1.3.1), so the second half's are off by one constant,
//!   which the first thread's prediction at the meeting point gives exactly. Nothing is guessed:
//!   if they never meet, or the MCU count does not add up, the first thread decodes the rest
//!   itself.
//!
//! Restart markers (§B.2.4.4) are honoured; with them the second thread simply starts at the
//! restart nearest the middle. Anything this does not cover (progressive, arithmetic coding,
//! 12-bit samples, several scans, a luma component that is subsampled, CMYK) gives `None` and the
//! caller decodes the file whole with zune-jpeg; so does an invalid code or a truncated scan,
//! where zune-jpeg's lenient decoding does better.

use super::luma::Luma;
use super::segments::{Segment, segments};

/// Natural (row-major) index of each zig-zag position (T.81 Figure A.6).
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63,
];

/// Below this many bytes of scan data one thread decodes the whole scan (starting a thread and
/// synchronising costs more than half of a small file).
const MIN_BYTES_FOR_TWO_THREADS: usize = 256 * 1024;

/// Zero bytes after the scan data: more than one MCU can read (10 blocks × 64 codes × 27 bits),
/// so the bit reader needs no bounds check inside an MCU.
const PADDING: usize = 4096;

/// Gives up the second thread after this many invalid codes (it resynchronises at the next bit
/// after each; a file of garbage should not keep it busy).
const MAX_RESYNCS: usize = 10_000;

/// A Huffman table (T.81 §C, Annex F.2.2.3): a 9-bit look-up for short codes, the canonical
/// `maxcode`/`valptr` walk for longer ones.
struct Huffman {
    /// For every 9-bit prefix: code length (0 when longer than 9) and value.
    fast: Box<[(u8, u8); 512]>,
    maxcode: [i32; 17],
    valptr: [i32; 17],
    mincode: [i32; 17],
    values: Vec<u8>,
}

impl Huffman {
    /// From a DHT segment's 16 counts and values; `None` when the counts overflow the code space.
    fn new(counts: &[u8; 16], values: &[u8]) -> Option<Huffman> {
        let mut fast = Box::new([(0u8, 0u8); 512]);
        let (mut maxcode, mut valptr, mut mincode) = ([-1i32; 17], [0i32; 17], [0i32; 17]);
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16usize {
            let n = usize::from(counts[len - 1]);
            if n > 0 {
                valptr[len] = k as i32;
                mincode[len] = code;
                for _ in 0..n {
                    if code >= 1 << len {
                        return None;
                    }
                    if len <= 9 {
                        let shift = 9 - len;
                        let first = (code as usize) << shift;
                        for entry in &mut fast[first..first + (1 << shift)] {
                            *entry = (len as u8, *values.get(k)?);
                        }
                    }
                    code += 1;
                    k += 1;
                }
                maxcode[len] = code - 1;
            }
            code <<= 1;
        }
        Some(Huffman { fast, maxcode, valptr, mincode, values: values.get(..k)?.to_vec() })
    }

    /// The code at the top of `w` (the next 32 bits): its length and value; `None` for a code
    /// the table does not have.
    #[inline(always)]
    fn lookup(&self, w: u32) -> Option<(usize, u8)> {
        let (len, value) = self.fast[(w >> 23) as usize];
        if len != 0 {
            return Some((usize::from(len), value));
        }
        let peek = (w >> 16) as i32;
        for len in 10..=16 {
            let code = peek >> (16 - len);
            if code <= self.maxcode[len] {
                let value = self.values.get((self.valptr[len] + code - self.mincode[len]) as usize)?;
                return Some((len, *value));
            }
        }
        None
    }
}

/// The scan's entropy-coded data with stuffed zero bytes removed, padded with zeros.
struct Bits {
    data: Vec<u8>,
    /// Bits of real data (without the padding).
    len: usize,
}

/// Reads `Bits` through a 64-bit buffer that is refilled without branches (F. Giesen, "Reading
/// bits in far too many ways", 2018, variant 4): the next load does not wait for the last code.
struct Reader<'a> {
    data: &'a [u8],
    /// Next byte to load.
    next: usize,
    /// Unread bits, most significant first; `count` of them are valid.
    buf: u64,
    count: u32,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn at(bits: &'a Bits, pos: usize) -> Reader<'a> {
        let mut reader = Reader { data: &bits.data, next: pos >> 3, buf: 0, count: 0 };
        reader.refill();
        reader.consume((pos & 7) as u32);
        reader
    }

    /// Bit position in `Bits`.
    #[inline(always)]
    fn pos(&self) -> usize {
        self.next * 8 - self.count as usize
    }

    /// Tops the buffer up to at least 56 bits.
    #[inline(always)]
    fn refill(&mut self) {
        let word = u64::from_be_bytes(self.data[self.next..self.next + 8].try_into().unwrap_or([0; 8]));
        self.buf |= word >> self.count;
        self.next += (63 - self.count as usize) >> 3;
        self.count |= 56;
    }

    #[inline(always)]
    fn peek32(&self) -> u32 {
        (self.buf >> 32) as u32
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.buf <<= n;
        self.count -= n;
    }
}

/// The `size` bits that follow a code of `len` bits at the top of `w`, as a signed value
/// (T.81 §F.2.2.1, EXTEND); `len + size` ≤ 32.
#[inline(always)]
fn extend(w: u32, len: usize, size: u8) -> i32 {
    if size == 0 {
        return 0;
    }
    let v = ((w << len) >> (32 - u32::from(size))) as i32;
    if v < 1 << (size - 1) { v - (1 << size) + 1 } else { v }
}

/// One block of the MCU: its tables and, for a luma block, where it sits in the MCU.
#[derive(Clone)]
struct BlockSpec {
    dc: std::sync::Arc<Huffman>,
    ac: std::sync::Arc<Huffman>,
    /// Position (column, row) in blocks within the MCU, for luma blocks.
    luma_at: Option<(usize, usize)>,
    /// Index into the DC predictions (the scan component).
    component: usize,
}

/// What the headers say.
struct Header {
    width: usize,
    height: usize,
    /// Blocks of one MCU in decoding order (T.81 §A.2.3).
    mcu: Vec<BlockSpec>,
    mcus_per_row: usize,
    mcu_rows: usize,
    /// Luma blocks per MCU horizontally and vertically.
    luma_h: usize,
    luma_v: usize,
    luma_component: usize,
    /// For every zig-zag position: the coefficient's weight (dequantised) on the means of the
    /// top-left, top-right, bottom-left and bottom-right quadrants. Zero for coefficients that do
    /// not change quadrant means.
    weights: [[f32; 4]; 64],
    /// DC quantiser of the luma table.
    dc_quant: f32,
    restart_interval: usize,
    scan_start: usize,
}

/// One luma block as the quarter raster needs it: the AC part of its four quadrant means
/// (top left, top right, bottom left, bottom right) and its DC coefficient (quantised).
#[derive(Clone, Copy, Default)]
struct Quad {
    ac: [f32; 4],
    dc: i32,
}

/// Reads a large baseline JPEG's luma at a quarter of its size (rounded up), or `None` when the
/// file is not one this reads (see the module documentation). The caller has checked the
/// dimensions against its limits.
pub fn decode(bytes: &[u8]) -> Option<Luma> {
    decode_with(bytes, MIN_BYTES_FOR_TWO_THREADS)
}

/// [`decode`], on two threads from `two_threads_from` bytes of scan data. The result does not
/// depend on the number of threads (the fuzz target checks this on every input).
pub fn decode_with(bytes: &[u8], two_threads_from: usize) -> Option<Luma> {
    let header = header(bytes)?;
    let total = header.mcus_per_row.checked_mul(header.mcu_rows)?;
    let max_restarts = total.checked_div(header.restart_interval);
    let (bits, restarts) = unstuff(bytes.get(header.scan_start..)?, max_restarts)?;
    let blocks = decode_scan(&header, &bits, &restarts, total, two_threads_from)?;
    Some(assemble(&header, &blocks))
}

/// Decodes every MCU's luma blocks, on two threads when the scan is large.
fn decode_scan(
    header: &Header,
    bits: &Bits,
    restarts: &[usize],
    total: usize,
    two_threads_from: usize,
) -> Option<Vec<Quad>> {
    // (a scan under two bytes has no middle)
    let two =
        bits.len / 8 >= two_threads_from.max(2) && std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    if !two {
        let mut first = Exact::new(header);
        first.run(header, bits, restarts, total, usize::MAX)?;
        return (first.mcus == total).then_some(first.blocks);
    }
    let middle = bits.len / 2 / 8 * 8;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| Speculative::run(header, bits, restarts, middle, total));
        let mut first = Exact::new(header);
        first.run(header, bits, restarts, total, middle)?;
        let second = second.join().ok().flatten();
        if let Some(second) = second {
            match first.meet(header, bits, restarts, total, second) {
                Meeting::Met(blocks) => return Some(blocks),
                Meeting::Failed => return None,
                Meeting::Apart => {}
            }
        }
        first.run(header, bits, restarts, total, usize::MAX)?;
        (first.mcus == total).then_some(first.blocks)
    })
}

/// Decodes the MCU starting at `pos`; `preds` are the DC predictions, updated. Luma blocks go to
/// `out`. `None` on a code the tables do not have or a run past the block's end.
#[inline(always)]
fn decode_mcu(header: &Header, bits: &Bits, pos: &mut usize, preds: &mut [i32; 4], out: &mut Vec<Quad>) -> Option<()> {
    let mut r = Reader::at(bits, *pos);
    for spec in &header.mcu {
        r.refill();
        let w = r.peek32();
        let (len, size) = spec.dc.lookup(w)?;
        if size > 11 {
            return None;
        }
        preds[spec.component] = preds[spec.component].wrapping_add(extend(w, len, size));
        r.consume((len + usize::from(size)) as u32);
        // AC coefficients (§F.2.2.2): a luma block's add to its quadrant means; a chroma block's
        // are only read past.
        let luma = spec.luma_at.is_some();
        let mut ac = [0f32; 4];
        let mut k = 1;
        while k < 64 {
            r.refill();
            let w = r.peek32();
            let (len, rs) = spec.ac.lookup(w)?;
            let (run, size) = (usize::from(rs >> 4), rs & 15);
            r.consume((len + usize::from(size)) as u32);
            if size == 0 {
                if run != 15 {
                    break;
                }
                k += 16;
                continue;
            }
            k += run;
            if k > 63 {
                return None;
            }
            if luma {
                let value = extend(w, len, size) as f32;
                for (sum, weight) in ac.iter_mut().zip(&header.weights[k]) {
                    *sum += value * weight;
                }
            }
            k += 1;
        }
        if luma {
            out.push(Quad { ac, dc: preds[spec.component] });
        }
    }
    *pos = r.pos();
    Some(())
}

/// Handles the restart after MCU `index` (1-based count of MCUs decoded): the data continues at
/// the next byte boundary, which is where the marker was, and predictions start again at zero.
#[inline(always)]
fn after_mcu(header: &Header, restarts: &[usize], mcus: usize, pos: &mut usize, preds: &mut [i32; 4]) -> Option<()> {
    if header.restart_interval > 0 && mcus.is_multiple_of(header.restart_interval) {
        let marker = *restarts.get(mcus / header.restart_interval - 1)?;
        // The marker must be where the padded data of the interval ends.
        if marker < *pos || marker - *pos >= 8 {
            return None;
        }
        *pos = marker;
        *preds = [0; 4];
    }
    Some(())
}

/// The decoder that starts at the first bit and is right by construction.
struct Exact {
    pos: usize,
    preds: [i32; 4],
    mcus: usize,
    blocks: Vec<Quad>,
}

impl Exact {
    fn new(header: &Header) -> Exact {
        let per_mcu = header.luma_h * header.luma_v;
        let capacity = header.mcus_per_row * header.mcu_rows * per_mcu / 2 + per_mcu;
        Exact { pos: 0, preds: [0; 4], mcus: 0, blocks: Vec::with_capacity(capacity) }
    }

    /// Decodes MCUs until `total` are done or the position passes `until`.
    fn run(&mut self, header: &Header, bits: &Bits, restarts: &[usize], total: usize, until: usize) -> Option<()> {
        while self.mcus < total && self.pos < until {
            self.step(header, bits, restarts, total)?;
        }
        Some(())
    }

    /// Decodes the next MCU and handles the restart after it. `None` on an invalid code, a
    /// restart marker out of place, or the end of the data (a truncated scan: zune-jpeg fills
    /// the rest with grey, this reader does not read it).
    fn step(&mut self, header: &Header, bits: &Bits, restarts: &[usize], total: usize) -> Option<()> {
        if self.pos >= bits.len {
            return None;
        }
        decode_mcu(header, bits, &mut self.pos, &mut self.preds, &mut self.blocks)?;
        if self.pos > bits.len {
            return None; // the last MCU ran past the data
        }
        self.mcus += 1;
        if self.mcus < total {
            after_mcu(header, restarts, self.mcus, &mut self.pos, &mut self.preds)?;
        }
        Some(())
    }

    /// Decodes on until this decoder stands where `second` started an MCU (same bit; both at an
    /// MCU start), then takes the second's blocks from there on, their DC corrected. `Apart`
    /// when they do not meet or the counts do not add up (the caller then decodes on alone);
    /// `Failed` when this decoder fails on the way, as it would alone.
    fn meet(&mut self, header: &Header, bits: &Bits, restarts: &[usize], total: usize, second: Speculative) -> Meeting {
        let luma = header.luma_component;
        let mut j = 0;
        // Meeting further than a tenth of the scan past the middle is not worth waiting for.
        let Some(&(second_from, _, _)) = second.starts.first() else { return Meeting::Apart };
        let give_up = second_from + bits.len / 10;
        while self.mcus < total && self.pos < give_up {
            while j < second.starts.len() && second.starts[j].0 < self.pos {
                j += 1;
            }
            if let Some(&(at, pred_before, first_block)) = second.starts.get(j)
                && at == self.pos
                && second.last_failure.is_none_or(|failed_at| failed_at < at)
                && second.starts.len() - j >= total - self.mcus
            {
                // From here both decode the same codes, so the second's MCUs are the photo's
                // next ones; any it decoded past the last (in the padding bits) are dropped.
                let end = second.starts.get(j + total - self.mcus).map_or(second.blocks.len(), |s| s.2);
                // With restart markers the predictions start from zero at a marker on both
                // sides; otherwise the second's are relative to its starting point.
                let offset = self.preds[luma].wrapping_sub(pred_before);
                let mut blocks = std::mem::take(&mut self.blocks);
                blocks.extend(
                    second.blocks[first_block..end].iter().map(|q| Quad { dc: q.dc.wrapping_add(offset), ..*q }),
                );
                return Meeting::Met(blocks);
            }
            if self.step(header, bits, restarts, total).is_none() {
                return Meeting::Failed;
            }
        }
        Meeting::Apart
    }
}

/// What came of the first thread's looking for the second.
enum Meeting {
    /// Every MCU's blocks.
    Met(Vec<Quad>),
    /// They did not meet; the first thread can decode on alone.
    Apart,
    /// The first thread met an invalid code or the end of the data: the file is not read here.
    Failed,
}

/// The decoder that starts in the middle of the scan.
struct Speculative {
    /// For every MCU it decoded: its first bit, the luma DC prediction before it, and the index of
    /// its first luma block in `blocks`.
    starts: Vec<(usize, i32, usize)>,
    blocks: Vec<Quad>,
    /// Where the last MCU that did not decode started, if one decoded after it: the MCUs after a
    /// meeting point must all have decoded one after the other, as they would for the first thread.
    last_failure: Option<usize>,
}

impl Speculative {
    fn run(header: &Header, bits: &Bits, restarts: &[usize], from: usize, total: usize) -> Option<Speculative> {
        let luma = header.luma_component;
        let per_mcu = header.luma_h * header.luma_v;
        let mut out = Speculative {
            starts: Vec::with_capacity(total / 2 + 1),
            blocks: Vec::with_capacity(total / 2 * per_mcu + per_mcu),
            last_failure: None,
        };
        let mut preds = [0i32; 4];
        // With restart markers: start at the first one past the middle, where the decoding is
        // known to start afresh (its MCU count is known, so no resynchronisation is needed).
        let mut pos = from;
        let mut restart_mcus = None;
        if header.restart_interval > 0 {
            let r = restarts.iter().position(|&at| at >= from)?;
            pos = restarts[r];
            restart_mcus = Some((r + 1) * header.restart_interval);
        }
        let (mut resyncs, mut failed_at) = (0, None);
        // Never more MCUs than the frame holds: data past them (a hostile file can add
        // megabytes of tiny valid blocks) is not the photo's.
        while pos < bits.len && out.starts.len() < total {
            let start = pos;
            let blocks_before = out.blocks.len();
            out.starts.push((start, preds[luma], blocks_before));
            if decode_mcu(header, bits, &mut pos, &mut preds, &mut out.blocks).is_none() || pos > bits.len {
                // Not in step yet (or garbage): try again one bit further.
                out.starts.pop();
                out.blocks.truncate(blocks_before);
                failed_at = Some(start);
                resyncs += 1;
                if resyncs > MAX_RESYNCS || restart_mcus.is_some() {
                    return None;
                }
                pos = start + 1;
                continue;
            }
            if failed_at.is_some() {
                out.last_failure = failed_at.take();
            }
            if let Some(first) = restart_mcus {
                let done = first + out.starts.len();
                if done >= total {
                    break;
                }
                after_mcu(header, restarts, done, &mut pos, &mut preds)?;
            }
        }
        Some(out)
    }
}

/// The quarter raster: 2 × 2 pixels a luma block.
fn assemble(header: &Header, blocks: &[Quad]) -> Luma {
    let (out_w, out_h) = (header.width.div_ceil(4), header.height.div_ceil(4));
    let per_mcu = header.luma_h * header.luma_v;
    let mut pixels = vec![0u8; out_w * out_h];
    let dc_scale = header.dc_quant / 8.0;
    let luma_blocks: Vec<(usize, usize)> = header.mcu.iter().filter_map(|s| s.luma_at).collect();
    for (m, mcu) in blocks.chunks_exact(per_mcu).enumerate() {
        let (mx, my) = (m % header.mcus_per_row, m / header.mcus_per_row);
        for (quad, &(bx, by)) in mcu.iter().zip(&luma_blocks) {
            let (x0, y0) = (2 * (mx * header.luma_h + bx), 2 * (my * header.luma_v + by));
            let mean = 128.0 + quad.dc as f32 * dc_scale;
            for (i, ac) in quad.ac.iter().enumerate() {
                let (x, y) = (x0 + (i & 1), y0 + (i >> 1));
                if x < out_w && y < out_h {
                    pixels[y * out_w + x] = (mean + ac + 0.5).clamp(0.0, 255.0) as u8;
                }
            }
        }
    }
    Luma::new(out_w, out_h, pixels)
}

/// Copies the scan's entropy-coded data without its stuffed zero bytes (T.81 §F.1.2.3), up to
/// the marker that ends it, and notes where each restart marker was (as a bit position in the
/// copy). `max_restarts`: how many restart markers the frame needs (`None` without a restart
/// interval, when a marker makes this `None`); the data stops after them.
fn unstuff(scan: &[u8], max_restarts: Option<usize>) -> Option<(Bits, Vec<usize>)> {
    let mut data = Vec::with_capacity(scan.len() + PADDING);
    let mut restarts = Vec::new();
    let mut at = 0;
    loop {
        let Some(ff) = memchr::memchr(0xFF, &scan[at..]) else {
            data.extend_from_slice(&scan[at..]);
            break;
        };
        data.extend_from_slice(&scan[at..at + ff]);
        at += ff;
        match scan.get(at + 1) {
            Some(0x00) => {
                data.push(0xFF);
                at += 2;
            }
            Some(0xFF) => at += 1, // fill byte before a marker
            Some(0xD0..=0xD7) if max_restarts.is_some_and(|max| restarts.len() < max) => {
                restarts.push(data.len() * 8);
                at += 2;
            }
            Some(0xD0..=0xD7) if max_restarts.is_some() => break,
            Some(0xD0..=0xD7) => return None,
            _ => break, // EOI, another marker, or the end of the file
        }
    }
    let len = data.len() * 8;
    data.resize(data.len() + PADDING, 0);
    Some((Bits { data, len }, restarts))
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?])))
}

/// Walks the marker segments up to the first scan (T.81 §B.2).
fn header(bytes: &[u8]) -> Option<Header> {
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut dc_tables: [Option<std::sync::Arc<Huffman>>; 4] = Default::default();
    let mut ac_tables: [Option<std::sync::Arc<Huffman>>; 4] = Default::default();
    // width, height, and (id, h, v, quant table) of each frame component
    type Frame = (usize, usize, Vec<(u8, usize, usize, usize)>);
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0;
    let (mut jfif, mut adobe_transform) = (false, None);
    for Segment { marker, body, end, .. } in segments(bytes) {
        match marker {
            0xC0 | 0xC1 => {
                if frame.is_some() || *body.first()? != 8 {
                    return None;
                }
                let (height, width, n) = (be16(body, 1)?, be16(body, 3)?, usize::from(*body.get(5)?));
                if height == 0 || width == 0 || !(n == 1 || n == 3) {
                    return None;
                }
                let components = (0..n)
                    .map(|i| {
                        let c = body.get(6 + 3 * i..9 + 3 * i)?;
                        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
                        ((1..=4).contains(&h) && (1..=4).contains(&v) && c[2] < 4).then_some((
                            c[0],
                            h,
                            v,
                            usize::from(c[2]),
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?;
                frame = Some((width, height, components));
            }
            0xC4 => {
                let mut rest = body;
                while !rest.is_empty() {
                    let (class, id) = (rest[0] >> 4, usize::from(rest[0] & 15));
                    let counts: [u8; 16] = rest.get(1..17)?.try_into().ok()?;
                    let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    let values = rest.get(17..17 + n)?;
                    let table = std::sync::Arc::new(Huffman::new(&counts, values)?);
                    match (class, id) {
                        (0, 0..=3) => dc_tables[id] = Some(table),
                        (1, 0..=3) => ac_tables[id] = Some(table),
                        _ => return None,
                    }
                    rest = &rest[17 + n..];
                }
            }
            0xDB => {
                let mut rest = body;
                while !rest.is_empty() {
                    let (precision, id) = (rest[0] >> 4, usize::from(rest[0] & 15));
                    if id > 3 || precision > 1 {
                        return None;
                    }
                    let mut table = [0u16; 64];
                    let size = 64 << precision;
                    let values = rest.get(1..1 + size)?;
                    for (k, q) in table.iter_mut().enumerate() {
                        *q = if precision == 0 { u16::from(values[k]) } else { be16(values, 2 * k)? as u16 };
                    }
                    quant[id] = Some(table);
                    rest = &rest[1 + size..];
                }
            }
            0xDD => restart_interval = be16(body, 0)?,
            // JFIF (APP0) means YCbCr; Adobe (APP14) says which transform was used (T.872 §6.5.3)
            0xE0 if body.starts_with(b"JFIF\0") => jfif = true,
            0xEE if body.starts_with(b"Adobe") => adobe_transform = Some(*body.get(11)?),
            0xDA => {
                let (width, height, components) = frame?;
                let n = usize::from(*body.first()?);
                if n != components.len() || body.get(1 + 2 * n..4 + 2 * n)? != [0, 63, 0] {
                    return None;
                }
                let interleaved = n > 1;
                let (h_max, v_max) = if interleaved {
                    (components.iter().map(|c| c.1).max()?, components.iter().map(|c| c.2).max()?)
                } else {
                    (1, 1)
                };
                // The first component is luma only in YCbCr: not in a file stored as RGB (Adobe
                // transform 0, or components named R, G, B without JFIF), as libjpeg decides.
                let ids: Vec<u8> = components.iter().map(|c| c.0).collect();
                if components.len() == 3
                    && (adobe_transform == Some(0) || (!jfif && adobe_transform.is_none() && ids == b"RGB"))
                {
                    return None;
                }
                let luma_id = components[0].0;
                let mut mcu = Vec::new();
                let mut luma_component = 0;
                let mut luma_quant = None;
                for i in 0..n {
                    let (id, tables) = (*body.get(1 + 2 * i)?, *body.get(2 + 2 * i)?);
                    let c = components.iter().find(|c| c.0 == id)?;
                    let (dc, ac) = (usize::from(tables >> 4), usize::from(tables & 15));
                    if dc > 3 || ac > 3 || dc_tables[dc].is_none() || ac_tables[ac].is_none() {
                        return None;
                    }
                    let (h, v) = if interleaved { (c.1, c.2) } else { (1, 1) };
                    let is_luma = id == luma_id;
                    if is_luma {
                        // the luma component must be the full-resolution one
                        if h != h_max || v != v_max {
                            return None;
                        }
                        luma_component = i;
                        luma_quant = Some(quant[c.3]?);
                    }
                    for by in 0..v {
                        for bx in 0..h {
                            let (dc, ac) = (dc_tables[dc].clone()?, ac_tables[ac].clone()?);
                            mcu.push(BlockSpec { dc, ac, luma_at: is_luma.then_some((bx, by)), component: i });
                        }
                    }
                }
                if mcu.len() > 10 {
                    return None; // T.81 §B.2.3: at most 10 blocks an MCU
                }
                let q = luma_quant?;
                return Some(Header {
                    width,
                    height,
                    mcus_per_row: width.div_ceil(8 * h_max),
                    mcu_rows: height.div_ceil(8 * v_max),
                    luma_h: h_max,
                    luma_v: v_max,
                    luma_component,
                    mcu,
                    weights: weights(&q),
                    dc_quant: f32::from(q[0]),
                    restart_interval,
                    scan_start: end,
                });
            }
            // any other frame type: progressive, lossless, arithmetic, hierarchical; DNL
            0xC2 | 0xC3 | 0xC5..=0xCF | 0xDC | 0xDE | 0xDF => return None,
            _ => {}
        }
    }
    None
}

/// The weight of each zig-zag coefficient on the mean of a 4 × 4 quadrant of the inverse DCT
/// (T.81 §A.3.3: s(y,x) = ¼ ΣΣ C(u)C(v) S(v,u) cos((2x+1)uπ/16) cos((2y+1)vπ/16)), dequantised
/// with `quant` (zig-zag order, as in DQT). Over the left half, the mean of cos((2x+1)uπ/16) is
/// 1 for u = 0, 0 for even u > 0, and m(u) for odd u; over the right half it is (−1)^u times that
/// (and the same for v, the rows).
fn weights(quant: &[u16; 64]) -> [[f32; 4]; 64] {
    let half_mean = |u: usize| -> f64 {
        (0..4).map(|x| ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos()).sum::<f64>() / 4.0
    };
    let c = |u: usize| {
        if u == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 }
    };
    let mut out = [[0f32; 4]; 64];
    for (k, w) in out.iter_mut().enumerate().skip(1) {
        let (v, u) = (ZIGZAG[k] / 8, ZIGZAG[k] % 8);
        let (mu, mv) = (if u == 0 { 1.0 } else { half_mean(u) }, if v == 0 { 1.0 } else { half_mean(v) });
        let weight = 0.25 * c(u) * c(v) * mu * mv * f64::from(quant[k]);
        let weight = if weight.abs() < 1e-9 { 0.0 } else { weight as f32 };
        let (sx, sy) = (if u % 2 == 1 { -1.0 } else { 1.0 }, if v % 2 == 1 { -1.0 } else { 1.0 });
        *w = [weight, weight * sx, weight * sy, weight * sx * sy];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};

    /// A photo-like 4:2:0 JPEG (gradients, texture, edges) of `w` × `h`.
    fn photo(w: u16, h: u16, restart_interval: u16, sampling: jpeg_encoder::SamplingFactor) -> Vec<u8> {
        let rgb: Vec<u8> = (0..u32::from(h))
            .flat_map(|y| (0..u32::from(w)).map(move |x| (x, y)))
            .flat_map(|(x, y)| {
                let edge = if (x / 37 + y / 53) % 2 == 0 { 40 } else { 0 };
                let t = ((x * 13 + y * 7) % 29) as u8;
                [(x / 9) as u8 ^ t, (y / 7) as u8 + edge, ((x + y) / 11) as u8 ^ (t >> 1)]
            })
            .collect();
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        encoder.set_sampling_factor(sampling);
        if restart_interval > 0 {
            encoder.set_restart_interval(restart_interval);
        }
        encoder.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).expect("jpeg");
        out
    }

    /// zune-jpeg's full luma, each 4 × 4 square averaged.
    fn reference(bytes: &[u8]) -> Luma {
        let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::Luma);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
        let pixels = decoder.decode().expect("decodes");
        let (w, h) = decoder.dimensions().expect("dims");
        let (ow, oh) = (w.div_ceil(4), h.div_ceil(4));
        let mut out = vec![0u8; ow * oh];
        for y in 0..oh {
            for x in 0..ow {
                let (mut sum, mut n) = (0u32, 0u32);
                for yy in 4 * y..(4 * y + 4).min(h) {
                    for xx in 4 * x..(4 * x + 4).min(w) {
                        sum += u32::from(pixels[yy * w + xx]);
                        n += 1;
                    }
                }
                out[y * ow + x] = ((sum + n / 2) / n) as u8;
            }
        }
        Luma::new(ow, oh, out)
    }

    /// Mean and largest absolute difference; a wrong block position, a wrong DC offset or a
    /// wrong sign shows as tens of levels.
    fn difference(a: &Luma, b: &Luma) -> (f64, u8) {
        assert_eq!((a.width, a.height), (b.width, b.height));
        let diffs: Vec<u8> = a.pixels.iter().zip(&b.pixels).map(|(x, y)| x.abs_diff(*y)).collect();
        (diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64, diffs.into_iter().max().unwrap_or(0))
    }

    #[test]
    fn quadrant_means_match_the_full_decode_averaged() {
        use jpeg_encoder::SamplingFactor::*;
        // 4:2:0 large enough for two threads without and with restart markers, 4:4:4, 4:2:2, and
        // sizes that are not a multiple of the MCU.
        for (w, h, ri, sampling) in [
            (1600, 1200, 0, F_2_2),
            (1600, 1200, 37, F_2_2),
            (1003, 757, 0, F_1_1),
            (998, 601, 0, F_2_1),
            (1601, 1199, 8, F_2_2),
        ] {
            let bytes = photo(w, h, ri, sampling);
            let quarter = decode(&bytes).unwrap_or_else(|| panic!("{w}×{h} ri {ri} decodes"));
            let (mean, max) = difference(&quarter, &reference(&bytes));
            // zune-jpeg's integer IDCT and clamping differ from exact means by a level or two
            assert!(mean < 0.8 && max <= 12, "{w}×{h} ri {ri}: mean {mean:.2}, max {max}");
        }
    }

    #[test]
    fn the_two_threads_meet_and_give_the_same_raster_as_one() {
        let bytes = photo(1600, 1200, 0, jpeg_encoder::SamplingFactor::F_2_2);
        let header = header(&bytes).expect("header");
        let (bits, restarts) = unstuff(&bytes[header.scan_start..], None).expect("scan");
        assert!(bits.len / 8 >= MIN_BYTES_FOR_TWO_THREADS, "the test photo must take the two-thread path");
        let total = header.mcus_per_row * header.mcu_rows;
        let mut alone = Exact::new(&header);
        alone.run(&header, &bits, &restarts, total, usize::MAX).expect("decodes");
        let second = Speculative::run(&header, &bits, &restarts, bits.len / 2 / 8 * 8, total).expect("second half");
        let mut first = Exact::new(&header);
        first.run(&header, &bits, &restarts, total, bits.len / 2 / 8 * 8).expect("first half");
        let Meeting::Met(met) = first.meet(&header, &bits, &restarts, total, second) else { panic!("they meet") };
        assert_eq!(met.len(), alone.blocks.len());
        assert!(met.iter().zip(&alone.blocks).all(|(a, b)| a.dc == b.dc && a.ac == b.ac));
    }

    #[test]
    fn damaged_files_give_the_same_answer_on_one_thread_and_on_two() {
        // Random bytes changed in the scan: the second thread resynchronises past them, but the
        // result (a raster, or None) must be what the first thread alone gives.
        let mut seed = 0x9E37_79B9_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let (mut rasters, mut nones) = (0, 0);
        for ri in [0, 5] {
            let bytes = photo(640, 480, ri, jpeg_encoder::SamplingFactor::F_2_2);
            let scan_start = header(&bytes).expect("header").scan_start;
            for round in 0..60 {
                let mut damaged = bytes.clone();
                for _ in 0..1 + round % 3 {
                    let at = scan_start + next() % (bytes.len() - scan_start - 2);
                    damaged[at] = (next() & 0xFF) as u8;
                }
                let (one, two) = (decode_with(&damaged, usize::MAX), decode_with(&damaged, 0));
                assert!(one == two, "restart interval {ri}, round {round}: one and two threads differ");
                if one.is_some() { rasters += 1 } else { nones += 1 }
            }
        }
        // both outcomes occur, so both paths were compared
        assert!(rasters > 0 && nones > 0, "{rasters} rasters, {nones} refusals");
        // A flat 8 × 8 grey image: a scan of one byte has no middle; one thread reads it anyway.
        let mut tiny = Vec::new();
        jpeg_encoder::Encoder::new(&mut tiny, 90)
            .encode(&[128; 64], 8, 8, jpeg_encoder::ColorType::Luma)
            .expect("jpeg");
        let one = decode_with(&tiny, usize::MAX);
        assert!(one.is_some() && decode_with(&tiny, 0) == one);
    }

    #[test]
    fn a_restart_marker_out_of_place_past_the_middle_fails_on_two_threads_as_on_one() {
        // The first thread finds the marker wrong on its way to the meeting point: the whole
        // read fails, as it does on one thread (found by the fuzz target).
        let bytes = photo(256, 192, 4, jpeg_encoder::SamplingFactor::F_2_2);
        let scan_start = header(&bytes).expect("header").scan_start;
        let markers: Vec<usize> = (scan_start..bytes.len() - 1)
            .filter(|&i| bytes[i] == 0xFF && (0xD0..=0xD7).contains(&bytes[i + 1]))
            .collect();
        assert_eq!(markers.len(), 16 * 12 / 4 - 1);
        let mut refused = 0;
        for &at in &markers {
            let removed = [&bytes[..at], &bytes[at + 2..]].concat();
            let doubled = [&bytes[..at + 2], &bytes[at..]].concat();
            for damaged in [removed, doubled] {
                let (one, two) = (decode_with(&damaged, usize::MAX), decode_with(&damaged, 0));
                assert!(one == two, "marker at {at}: one and two threads differ");
                refused += usize::from(one.is_none());
            }
        }
        // every removal, and every doubling but of the last marker (nothing follows it)
        assert_eq!(refused, 2 * markers.len() - 1);
        // The fuzz target's find: a 100 × 99 file with a restart interval of 4 whose marker past
        // the middle is out of place; the first thread went on decoding after failing there.
        let found = include_bytes!("../../tests/qr_fixtures/fuzz_quarter_restart_out_of_place.jpg");
        assert!(decode_with(found, usize::MAX).is_none());
        assert!(decode_with(found, 0).is_none());
    }

    #[test]
    fn a_jpeg_stored_as_rgb_is_left_to_zune_jpeg() {
        // An Adobe APP14 segment with transform 0: the first component is red, not luma.
        let bytes = photo(640, 480, 0, jpeg_encoder::SamplingFactor::F_1_1);
        assert!(decode(&bytes).is_some());
        let adobe = [&[0xFF, 0xEE, 0, 14][..], b"Adobe", &[0, 100, 0, 0, 0, 0, 0]].concat();
        let rgb = [&bytes[..2], &adobe, &bytes[2..]].concat();
        assert!(decode(&rgb).is_none());
    }

    #[test]
    fn data_past_the_last_mcu_is_not_decoded_or_kept() {
        // The scan's data three times over (a hostile file can add megabytes of valid blocks),
        // and a flood of restart markers after the last interval.
        let bytes = photo(640, 480, 0, jpeg_encoder::SamplingFactor::F_2_2);
        let header = header(&bytes).expect("header");
        let scan = &bytes[header.scan_start..bytes.len() - 2];
        let tripled = [&bytes[..header.scan_start], scan, scan, scan, &[0xFF, 0xD9]].concat();
        let (bits, restarts) = unstuff(&tripled[header.scan_start..], None).expect("scan");
        let total = header.mcus_per_row * header.mcu_rows;
        let second = Speculative::run(&header, &bits, &restarts, bits.len / 2 / 8 * 8, total).expect("decodes");
        assert!(second.starts.len() <= total, "{} MCUs recorded of {total}", second.starts.len());
        assert_eq!(decode_with(&tripled, 0), decode_with(&bytes, usize::MAX), "the extra data changes nothing");

        let bytes = photo(640, 480, 10, jpeg_encoder::SamplingFactor::F_2_2);
        let header = super::header(&bytes).expect("header");
        let flood: Vec<u8> = (0..10_000u32).flat_map(|i| [0xFF, 0xD0 + (i % 8) as u8]).collect();
        let flooded = [&bytes[..bytes.len() - 2], &flood, &[0xFF, 0xD9]].concat();
        let total = header.mcus_per_row * header.mcu_rows;
        let (_, restarts) = unstuff(&flooded[header.scan_start..], Some(total / 10)).expect("scan");
        assert_eq!(restarts.len(), total / 10);
        assert_eq!(decode_with(&flooded, 0), decode_with(&bytes, usize::MAX));
    }

    #[test]
    fn what_it_does_not_read_is_none_never_a_panic() {
        let bytes = photo(1600, 1200, 0, jpeg_encoder::SamplingFactor::F_2_2);
        // truncated anywhere, a flipped byte in the scan, and not a JPEG at all
        // (the last bytes may be chroma end-of-block codes, all zero bits: losing them loses nothing)
        for cut in [0, 2, 100, 600, bytes.len() / 3, bytes.len() / 2, bytes.len() - 400] {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        for at in (700..bytes.len()).step_by(bytes.len() / 50) {
            flipped[at] ^= 0x5A;
        }
        let _ = decode(&flipped);
        assert!(decode(b"not a jpeg").is_none());
    }
}
