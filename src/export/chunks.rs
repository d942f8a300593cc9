//! Rendering a long run of items (a report's events, its timeline rows) on
//! every core, written out in order. A report of 100,000 events is mostly
//! such runs, and one core renders them at a fraction of the speed the
//! file is read, so the export would cost several times the load.
//!
//! The items go a window at a time: each worker renders a chunk of the
//! window into a buffer of its own, and while the buffers go to the sink in
//! the items' order the pool renders the next window into a second set.
//! The buffers are kept from one window to the next, so the memory held is
//! two windows' worth of text, whatever the report's size.

use std::io::Write;

use rayon::prelude::*;

/// A buffer a chunk renders into.
pub(crate) trait Buffer: Default + Send {
    fn bytes(&self) -> &[u8];
    fn clear(&mut self);
}

impl Buffer for String {
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
    fn clear(&mut self) {
        String::clear(self);
    }
}

impl Buffer for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// How many chunks of a window each worker takes: more than one evens out
/// chunks that render slower than others.
const CHUNKS_PER_WORKER: usize = 4;

/// Renders `items` in chunks of `per_chunk` (at least 1) into buffers of
/// type `B`, on rayon's pool, and writes the buffers to `sink` in the
/// items' order. `render` gets the chunk and the index of its first item in
/// `items`, and appends to the (cleared) buffer; its first error stops the
/// export before its window is written and is returned, as is the sink's.
pub(crate) fn write_in_order<T, B, E>(
    items: &[T],
    per_chunk: usize,
    sink: &mut dyn Write,
    render: impl Fn(&[T], usize, &mut B) -> Result<(), E> + Sync,
) -> Result<(), ChunkError<E>>
where
    T: Sync,
    B: Buffer,
    E: Send,
{
    let per_chunk = per_chunk.max(1);
    // Small runs are not worth handing out.
    if items.len() <= per_chunk {
        let mut buffer = B::default();
        render(items, 0, &mut buffer).map_err(ChunkError::Render)?;
        return sink.write_all(buffer.bytes()).map_err(ChunkError::Write);
    }
    let chunks_per_window = rayon::current_num_threads().max(1) * CHUNKS_PER_WORKER;
    let window = per_chunk * chunks_per_window;
    let render_window = |w: usize, buffers: &mut Vec<B>| -> Result<(), E> {
        let first = w * window;
        let end = items.len().min(first + window);
        let chunks: Vec<&[T]> = items[first..end].chunks(per_chunk).collect();
        buffers.resize_with(chunks_per_window, B::default);
        buffers.truncate(chunks.len());
        buffers
            .par_iter_mut()
            .zip(chunks.par_iter())
            .enumerate()
            .map(|(c, (buffer, chunk))| {
                buffer.clear();
                render(chunk, first + c * per_chunk, buffer)
            })
            .collect::<Result<(), E>>()
    };
    let windows = items.len().div_ceil(window);
    // Two sets of buffers: while this thread writes one window out (the
    // sink is not shared with the pool), the pool renders the next, so the
    // copy into the file's pages overlaps the rendering.
    let mut ready: Vec<B> = Vec::new();
    let mut next: Vec<B> = Vec::new();
    render_window(0, &mut ready).map_err(ChunkError::Render)?;
    for w in 1..=windows {
        let mut rendered = Ok(());
        let written = rayon::in_place_scope(|scope| {
            if w < windows {
                let (next, rendered) = (&mut next, &mut rendered);
                scope.spawn(move |_| *rendered = render_window(w, next));
            }
            ready
                .iter()
                .try_for_each(|buffer| sink.write_all(buffer.bytes()))
        });
        written.map_err(ChunkError::Write)?;
        rendered.map_err(ChunkError::Render)?;
        std::mem::swap(&mut ready, &mut next);
    }
    Ok(())
}

/// Why [`write_in_order`] stopped.
#[derive(Debug)]
pub(crate) enum ChunkError<E> {
    /// A chunk did not render.
    Render(E),
    /// The sink refused the text.
    Write(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_numbers(chunk: &[u32], first: usize, out: &mut String) -> Result<(), String> {
        for (i, n) in chunk.iter().enumerate() {
            if *n == u32::MAX {
                return Err(format!("item {} is bad", first + i));
            }
            out.push_str(&format!("{}:{n}\n", first + i));
        }
        Ok(())
    }

    fn serial(items: &[u32]) -> String {
        let mut out = String::new();
        render_numbers(items, 0, &mut out).unwrap();
        out
    }

    #[test]
    fn output_is_the_serial_rendering_in_order_whatever_the_chunking() {
        let items: Vec<u32> = (0..10_007).map(|n| n * 7 % 1000).collect();
        for per_chunk in [0, 1, 3, 64, 10_006, 10_007, 20_000] {
            let mut sink = Vec::new();
            write_in_order(&items, per_chunk, &mut sink, render_numbers).unwrap();
            assert_eq!(
                String::from_utf8(sink).unwrap(),
                serial(&items),
                "chunks of {per_chunk}"
            );
        }
        let mut sink = Vec::new();
        write_in_order(&[] as &[u32], 8, &mut sink, render_numbers).unwrap();
        assert!(sink.is_empty());
    }

    #[test]
    fn a_render_error_stops_the_run_and_is_returned() {
        let mut items: Vec<u32> = (0..5_000).collect();
        items[4_321] = u32::MAX;
        let mut sink = Vec::new();
        match write_in_order(&items, 10, &mut sink, render_numbers) {
            Err(ChunkError::Render(e)) => assert_eq!(e, "item 4321 is bad"),
            other => panic!("expected the render error, got {other:?}"),
        }
        // Nothing of the failing window or after it went out.
        let text = String::from_utf8(sink).unwrap();
        assert!(
            !text.contains("4320:"),
            "{}",
            &text[text.len().saturating_sub(40)..]
        );
    }

    #[test]
    fn a_sink_error_is_returned() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let items: Vec<u32> = (0..1_000).collect();
        match write_in_order(&items, 10, &mut Full, render_numbers) {
            Err(ChunkError::Write(e)) => assert_eq!(e.to_string(), "disk full"),
            other => panic!("expected the write error, got {other:?}"),
        }
    }
}
