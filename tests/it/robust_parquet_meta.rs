//! Parquet files whose metadata lies about sizes: tiny files, written here
//! byte by byte, whose footer or page headers claim huge dictionaries, pages,
//! child counts or lists, or negative offsets. Each must fail with exit 2
//! naming the file and the field, before anything is allocated by the lie
//! (a run that allocated would take gigabytes or be killed).

use crate::support::*;

/// A Thrift compact-protocol value.
enum T {
    I32(i32),
    I64(i64),
    Bin(Vec<u8>),
    List(u8, Vec<T>),
    /// A list header claiming `n` elements of type `ty`, with none following.
    ListLie(u8, u64),
    Struct(Vec<(i16, T)>),
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

impl T {
    fn ty(&self) -> u8 {
        match self {
            T::I32(_) => 5,
            T::I64(_) => 6,
            T::Bin(_) => 8,
            T::List(..) | T::ListLie(..) => 9,
            T::Struct(_) => 12,
        }
    }

    fn enc(&self, out: &mut Vec<u8>) {
        match self {
            T::I32(v) => varint(zigzag(*v as i64), out),
            T::I64(v) => varint(zigzag(*v), out),
            T::Bin(b) => {
                varint(b.len() as u64, out);
                out.extend_from_slice(b);
            }
            T::List(ty, items) => {
                list_header(*ty, items.len() as u64, out);
                items.iter().for_each(|i| i.enc(out));
            }
            T::ListLie(ty, n) => list_header(*ty, *n, out),
            T::Struct(fields) => {
                let mut last = 0;
                for (id, v) in fields {
                    let delta = id - last;
                    if (1..=15).contains(&delta) {
                        out.push((delta as u8) << 4 | v.ty());
                    } else {
                        out.push(v.ty());
                        varint(zigzag(*id as i64), out);
                    }
                    last = *id;
                    v.enc(out);
                }
                out.push(0);
            }
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.enc(&mut v);
        v
    }
}

fn list_header(ty: u8, n: u64, out: &mut Vec<u8>) {
    if n < 15 {
        out.push((n as u8) << 4 | ty);
    } else {
        out.push(0xf0 | ty);
        varint(n, out);
    }
}

/// What a built file lies about.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Lie {
    Nothing,
    /// The label column is dictionary-encoded, its dictionary page claims this many values.
    DictValues(i32),
    /// The label's data page is RLE_DICTIONARY-encoded with no dictionary page.
    DictEncodingWithoutDict,
    /// The label page claims this uncompressed size (the chunk says SNAPPY).
    PageSize(i32),
    RootChildren(i32),
    NegativeDataPageOffset,
    NegativeCompressedSize,
    /// The footer's row-group list claims a billion entries.
    RowGroupCount,
}

const ROWS: usize = 64;

fn page(kind: i32, unc: i32, comp: i32, sub: (i16, T)) -> T {
    T::Struct(vec![
        (1, T::I32(kind)),
        (2, T::I32(unc)),
        (3, T::I32(comp)),
        sub,
    ])
}

fn data_page(values: usize, encoding: i32) -> (i16, T) {
    (
        5,
        T::Struct(vec![
            (1, T::I32(values as i32)),
            (2, T::I32(encoding)),
            (3, T::I32(3)),
            (4, T::I32(3)),
        ]),
    )
}

/// A two-column (label INT64, prob DOUBLE) Parquet file of [`ROWS`] rows, with `lie`.
fn build(lie: Lie) -> Vec<u8> {
    let labels: Vec<i64> = (0..ROWS).map(|i| (i % 3 == 0) as i64).collect();
    let probs: Vec<f64> = (0..ROWS).map(|i| (i as f64 + 0.5) / ROWS as f64).collect();
    let mut file = b"PAR1".to_vec();
    let mut chunks = Vec::new();
    // label
    let start = file.len() as i64;
    let (mut dict_off, mut codec, mut encodings) = (None, 0, vec![T::I32(0)]);
    let dictionary = matches!(lie, Lie::DictValues(_) | Lie::Nothing);
    if dictionary {
        let k = match lie {
            Lie::DictValues(k) => k,
            _ => 2,
        };
        let values: Vec<u8> = [0i64, 1].iter().flat_map(|v| v.to_le_bytes()).collect();
        dict_off = Some(start);
        file.extend(
            page(
                2,
                16,
                16,
                (7, T::Struct(vec![(1, T::I32(k)), (2, T::I32(0))])),
            )
            .bytes(),
        );
        file.extend(values);
        encodings = vec![T::I32(0), T::I32(8)];
    }
    let data_start = file.len() as i64;
    if dictionary || lie == Lie::DictEncodingWithoutDict {
        // Bit width 1, then one bit-packed run of ROWS/8 groups.
        let mut body = vec![1u8];
        varint(((ROWS / 8) << 1 | 1) as u64, &mut body);
        for g in labels.chunks(8) {
            body.push(
                g.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &v)| b | (v as u8) << i),
            );
        }
        let n = body.len() as i32;
        file.extend(page(0, n, n, data_page(ROWS, 8)).bytes());
        file.extend(body);
    } else {
        let body: Vec<u8> = labels.iter().flat_map(|v| v.to_le_bytes()).collect();
        let n = body.len() as i32;
        let unc = match lie {
            Lie::PageSize(u) if u != n => {
                codec = 1;
                u
            }
            _ => n,
        };
        file.extend(page(0, unc, n, data_page(ROWS, 0)).bytes());
        file.extend(body);
    }
    let len = file.len() as i64 - start;
    chunks.push(("label", 2, encodings, codec, data_start, dict_off, len));
    // prob
    let start = file.len() as i64;
    let body: Vec<u8> = probs.iter().flat_map(|v| v.to_le_bytes()).collect();
    let n = body.len() as i32;
    file.extend(page(0, n, n, data_page(ROWS, 0)).bytes());
    file.extend(body);
    let len = file.len() as i64 - start;
    chunks.push(("prob", 5, vec![T::I32(0)], 0, start, None, len));

    let columns: Vec<T> = chunks
        .into_iter()
        .map(|(name, ty, encodings, codec, data, dict, len)| {
            let data = if lie == Lie::NegativeDataPageOffset && name == "label" {
                -data
            } else {
                data
            };
            let len = if lie == Lie::NegativeCompressedSize && name == "prob" {
                -len
            } else {
                len
            };
            let mut meta = vec![
                (1, T::I32(ty)),
                (2, T::List(5, encodings)),
                (3, T::List(8, vec![T::Bin(name.into())])),
                (4, T::I32(codec)),
                (5, T::I64(ROWS as i64)),
                (6, T::I64(len.abs())),
                (7, T::I64(len)),
                (9, T::I64(data)),
            ];
            meta.extend(dict.map(|d| (11, T::I64(d))));
            T::Struct(vec![(2, T::I64(data.abs())), (3, T::Struct(meta))])
        })
        .collect();
    let leaf = |ty: i32, name: &str| {
        T::Struct(vec![
            (1, T::I32(ty)),
            (3, T::I32(0)),
            (4, T::Bin(name.into())),
        ])
    };
    let children = match lie {
        Lie::RootChildren(k) => k,
        _ => 2,
    };
    let schema = vec![
        T::Struct(vec![(4, T::Bin(b"schema".to_vec())), (5, T::I32(children))]),
        leaf(2, "label"),
        leaf(5, "prob"),
    ];
    let total = file.len() as i64 - 4;
    let groups = if lie == Lie::RowGroupCount {
        T::ListLie(12, 1 << 30)
    } else {
        T::List(
            12,
            vec![T::Struct(vec![
                (1, T::List(12, columns)),
                (2, T::I64(total)),
                (3, T::I64(ROWS as i64)),
            ])],
        )
    };
    let footer = T::Struct(vec![
        (1, T::I32(1)),
        (2, T::List(12, schema)),
        (3, T::I64(ROWS as i64)),
        (4, groups),
    ])
    .bytes();
    file.extend(&footer);
    file.extend((footer.len() as u32).to_le_bytes());
    file.extend(b"PAR1");
    file
}

#[test]
fn the_hand_built_files_are_valid_parquet_when_they_do_not_lie() {
    let wd = Workdir::new();
    let p = wd.write("honest.parquet", build(Lie::Nothing));
    let r = stats(&[&p]);
    assert_eq!(r.input.rows_used, ROWS as u64);
    let plain = wd.write("plain.parquet", build(Lie::PageSize(ROWS as i32 * 8)));
    assert_eq!(stats(&[&plain]).input.rows_used, ROWS as u64);
}

#[test]
fn metadata_that_claims_more_than_the_file_holds_is_refused_naming_the_field() {
    let cases = [
        (Lie::DictValues(i32::MAX), "dictionary page's num_values"),
        (Lie::DictValues(-5), "dictionary page's num_values"),
        (Lie::DictEncodingWithoutDict, "no dictionary page"),
        (Lie::PageSize(i32::MAX), "uncompressed_page_size"),
        (Lie::PageSize(-1), "uncompressed_page_size is negative"),
        (Lie::RootChildren(i32::MAX), "num_children"),
        (Lie::RootChildren(-2), "num_children is negative"),
        (Lie::NegativeDataPageOffset, "data_page_offset is negative"),
        (
            Lie::NegativeCompressedSize,
            "total_compressed_size is negative",
        ),
        (Lie::RowGroupCount, "a list claims 1073741824 elements"),
    ];
    let wd = Workdir::new();
    for (lie, field) in cases {
        let p = wd.write("lies.parquet", build(lie));
        let e = stats_err(&[&p]);
        assert_mentions(&e, &["lies.parquet", "Parquet metadata is damaged", field]);
    }
}

#[test]
fn a_data_file_with_a_spec_column_is_not_read_whole_as_a_sums_table() {
    let wd = Workdir::new();
    let n = (1 << 22) + 1;
    let p = wd.write_parquet(
        "big_sums.parquet",
        vec![("flcli_spec", strs(vec!["{}"; n])), ("n", i64s(vec![1; n]))],
        1 << 20,
    );
    let e = stats_err(&[&p]);
    assert_mentions(&e, &["big_sums.parquet", "4194305 rows", "sums table"]);
}
