//! `flcli._flcli`: the extension module under the Python package. It hands
//! argument lists and data to [`flcli::api`] and gives back what it returns;
//! the Python side (flcli/__init__.py) turns keyword arguments into those
//! argument lists and other data into Arrow.
//!
//! Arrow data comes in through the Arrow C stream interface (the
//! `__arrow_c_stream__` PyCapsule) without a copy. The batches are collected
//! while the GIL is held (a stream may be produced by Python code); the
//! engine then runs with the GIL released.

use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::RecordBatchReader;
use flcli::api::{self, ArrowData, Memory, PartialResult};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyList};
use std::sync::Arc;

create_exception!(
    _flcli,
    FlcliError,
    PyValueError,
    "An error of flcli, with the message the command line prints."
);

fn err(msg: String) -> PyErr {
    FlcliError::new_err(msg)
}

/// A partial result (the sums of `flcli partial`), decoded.
#[pyclass(module = "flcli._flcli", name = "Partial", frozen)]
struct PyPartial(Arc<PartialResult>);

#[pymethods]
impl PyPartial {
    /// Reads the bytes of a partial-result file; `name` names it in messages.
    #[staticmethod]
    #[pyo3(signature = (data, name = "partial"))]
    fn from_bytes(py: Python<'_>, data: &[u8], name: &str) -> PyResult<PyPartial> {
        let data = data.to_vec();
        let name = name.to_string();
        py.allow_threads(|| api::decode(&data, &name))
            .map(|p| PyPartial(Arc::new(p)))
            .map_err(err)
    }

    /// The bytes of the partial-result file, as `flcli partial` writes them.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let p = self.0.clone();
        let bytes = py.allow_threads(move || api::encode(&p)).map_err(err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The class names, in class order.
    #[getter]
    fn classes(&self) -> Vec<String> {
        self.0.header.about.classes.clone()
    }

    /// The rows read into these sums.
    #[getter]
    fn rows_read(&self) -> u64 {
        self.0.sums.rows_read
    }
}

/// The input of a run: `None` (the paths are among the arguments), a list
/// of partial results, or anything with `__arrow_c_stream__`.
fn memory(data: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Memory>> {
    let Some(data) = data.filter(|d| !d.is_none()) else {
        return Ok(None);
    };
    if let Ok(list) = data.downcast::<PyList>() {
        let mut parts = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            let p = item.downcast::<PyPartial>().map_err(|_| {
                err(format!(
                    "partial result {}: expected flcli partial bytes",
                    i + 1
                ))
            })?;
            parts.push((format!("partial #{}", i + 1), p.get().0.as_ref().clone()));
        }
        return Ok(Some(Memory::Partials(Arc::new(parts))));
    }
    Ok(Some(Memory::Arrow(Arc::new(arrow_stream(data)?))))
}

/// Imports the Arrow C stream of `obj` (its `__arrow_c_stream__`) and collects its batches.
fn arrow_stream(obj: &Bound<'_, PyAny>) -> PyResult<ArrowData> {
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.downcast::<PyCapsule>()?;
    let name = capsule.name()?.map(|n| n.to_string_lossy().into_owned());
    if name.as_deref() != Some("arrow_array_stream") {
        return Err(err(format!(
            "__arrow_c_stream__ returned a capsule named {name:?}, not \"arrow_array_stream\""
        )));
    }
    let ptr = capsule.pointer() as *mut FFI_ArrowArrayStream;
    // SAFETY: the capsule holds a valid FFI_ArrowArrayStream (its name says so); from_raw
    // moves it out and leaves a released stream behind, which the capsule's destructor skips.
    let reader = unsafe { RecordBatchStreamReader::from_raw(ptr) }.map_err(|e| {
        err(format!(
            "{}: cannot import the Arrow stream ({e})",
            api::MEMORY_PATH
        ))
    })?;
    let schema = reader.schema();
    ArrowData::collect(schema, reader).map_err(|e| err(format!("{e:#}")))
}

/// Runs `stats`, `compare` or `recommend` with `args` on `data`; returns the JSON report.
#[pyfunction]
#[pyo3(signature = (args, data = None))]
fn report(py: Python<'_>, args: Vec<String>, data: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let mem = memory(data)?;
    py.allow_threads(move || api::report(&args, mem))
        .map_err(err)
}

/// Runs `partial` with `args` on `data`; returns the partial result.
#[pyfunction]
#[pyo3(signature = (args, data = None))]
fn partial(
    py: Python<'_>,
    args: Vec<String>,
    data: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPartial> {
    let mem = memory(data)?;
    py.allow_threads(move || api::partial(&args, mem))
        .map(|p| PyPartial(Arc::new(p)))
        .map_err(err)
}

/// Merges partial results (as `flcli merge`).
#[pyfunction]
fn merge(py: Python<'_>, parts: Vec<Py<PyPartial>>) -> PyResult<PyPartial> {
    let parts: Vec<(String, PartialResult)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("partial #{}", i + 1), p.get().0.as_ref().clone()))
        .collect();
    py.allow_threads(move || api::merge(&parts))
        .map(|p| PyPartial(Arc::new(p)))
        .map_err(err)
}

/// Merges the bytes of partial results into the bytes of one, decoding one
/// part at a time (as `flcli merge` does with files).
#[pyfunction]
fn merge_bytes<'py>(py: Python<'py>, parts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
    let parts: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .enumerate()
        .map(|(i, b)| (format!("partial #{}", i + 1), b))
        .collect();
    let bytes = py
        .allow_threads(move || api::merge_encoded(&parts))
        .map_err(err)?;
    Ok(PyBytes::new(py, &bytes))
}

#[pymodule]
fn _flcli(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FlcliError", m.py().get_type::<FlcliError>())?;
    m.add_class::<PyPartial>()?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    m.add_function(wrap_pyfunction!(partial, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(merge_bytes, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
