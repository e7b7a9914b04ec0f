//! Loads the published ONNX files into tract. Both ship with int8 weights in block-quantised
//! `DequantizeLinear` nodes (opset 21, block sizes 9–64), which tract does not run: every such
//! node whose inputs are all constants is folded into an f32 initializer here, before parsing.
//! Graph inputs no node reads (SFace keeps 29 from its quantisation) are dropped.

use std::collections::HashSet;

use tract_onnx::pb::{tensor_proto::DataType, GraphProto, ModelProto, TensorProto};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{bail, ensure, format_err};

/// A model ready to run on one fixed input shape.
pub type Plan = Arc<TypedRunnableModel>;

fn attr_i(node: &tract_onnx::pb::NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

/// The elements of an integer or float initializer, as f32 (raw little-endian or typed fields).
fn values(t: &TensorProto) -> TractResult<Vec<f32>> {
    let raw = &t.raw_data;
    let dt = DataType::try_from(t.data_type).map_err(|_| format_err!("{}: unknown data type {}", t.name, t.data_type))?;
    Ok(match dt {
        DataType::Float if !raw.is_empty() => raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
        DataType::Float => t.float_data.clone(),
        DataType::Int8 if !raw.is_empty() => raw.iter().map(|&b| b as i8 as f32).collect(),
        DataType::Uint8 if !raw.is_empty() => raw.iter().map(|&b| b as f32).collect(),
        DataType::Int8 | DataType::Uint8 | DataType::Int32 if raw.is_empty() => t.int32_data.iter().map(|&v| v as f32).collect(),
        DataType::Int32 => raw.chunks_exact(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f32).collect(),
        other => bail!("{}: cannot dequantize {other:?}", t.name),
    })
}

/// `y = (x - zero_point) * scale`, where along `axis` each run of `block` elements shares one
/// scale (per-axis when `block` is 0, per-tensor when the scale has one element).
fn dequantize(x: &TensorProto, scale: &TensorProto, zero: Option<&TensorProto>, axis: i64, block: i64) -> TractResult<Vec<f32>> {
    let xv = values(x)?;
    let sv = values(scale)?;
    let zv = match zero {
        Some(z) => values(z)?,
        None => vec![0.0; sv.len()],
    };
    ensure!(sv.len() == zv.len(), "{}: scale and zero point differ in size", x.name);
    let dims: Vec<usize> = x.dims.iter().map(|&d| d as usize).collect();
    ensure!(dims.iter().product::<usize>() == xv.len(), "{}: data does not match its dims", x.name);
    if sv.len() == 1 {
        return Ok(xv.iter().map(|v| (v - zv[0]) * sv[0]).collect());
    }
    let rank = dims.len() as i64;
    let axis = if axis < 0 { axis + rank } else { axis } as usize;
    ensure!(axis < dims.len(), "{}: axis {axis} out of range", x.name);
    let n_axis = dims[axis];
    let inner: usize = dims[axis + 1..].iter().product();
    let outer: usize = dims[..axis].iter().product();
    // The scale has the shape of x with the axis cut into blocks.
    let blocks = if block > 0 { n_axis.div_ceil(block as usize) } else { n_axis };
    ensure!(sv.len() == outer * blocks * inner, "{}: {} scales for dims {dims:?}, block {block}", x.name, sv.len());
    let mut out = Vec::with_capacity(xv.len());
    for o in 0..outer {
        for a in 0..n_axis {
            let b = if block > 0 { a / block as usize } else { a };
            for i in 0..inner {
                let s = (o * blocks + b) * inner + i;
                out.push((xv[(o * n_axis + a) * inner + i] - zv[s]) * sv[s]);
            }
        }
    }
    Ok(out)
}

/// Folds constant `DequantizeLinear` nodes and drops unread graph inputs, in place.
pub fn fold(graph: &mut GraphProto) -> TractResult<usize> {
    let mut folded = 0;
    let mut i = 0;
    while i < graph.node.len() {
        let node = &graph.node[i];
        let find = |name: &str| graph.initializer.iter().find(|t| t.name == name);
        let consts: Option<Vec<&TensorProto>> =
            if node.op_type == "DequantizeLinear" { node.input.iter().filter(|n| !n.is_empty()).map(|n| find(n)).collect() } else { None };
        let Some(inputs) = consts else {
            i += 1;
            continue;
        };
        let data = dequantize(
            inputs[0],
            inputs[1],
            inputs.get(2).copied(),
            attr_i(node, "axis").unwrap_or(1),
            attr_i(node, "block_size").unwrap_or(0),
        )?;
        let t = TensorProto {
            name: node.output[0].clone(),
            dims: inputs[0].dims.clone(),
            data_type: DataType::Float as i32,
            raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        };
        graph.initializer.push(t);
        graph.node.remove(i);
        folded += 1;
    }
    // Initializers and inputs nothing reads any more (the quantised weights, stale inputs).
    let read: HashSet<String> =
        graph.node.iter().flat_map(|n| n.input.iter().cloned()).chain(graph.output.iter().map(|o| o.name.clone())).collect();
    graph.initializer.retain(|t| read.contains(&t.name));
    graph.input.retain(|v| read.contains(&v.name));
    Ok(folded)
}

/// Parses, folds and optimises `bytes` for an f32 input of `shape`.
pub fn load(bytes: &[u8], input: &str, shape: &[usize]) -> TractResult<Plan> {
    let framework = tract_onnx::onnx().with_ignore_output_shapes(true).with_ignore_value_info(true);
    let mut proto: ModelProto = framework.proto_model_for_read(&mut &*bytes)?;
    let graph = proto.graph.as_mut().ok_or_else(|| format_err!("no graph"))?;
    fold(graph)?;
    // The real input first (an input that is also an initializer is a constant, not an input).
    let inits: HashSet<String> = graph.initializer.iter().map(|t| t.name.clone()).collect();
    graph.input.retain(|v| !inits.contains(&v.name));
    ensure!(
        graph.input.len() == 1 && graph.input[0].name == input,
        "inputs: {:?}",
        graph.input.iter().map(|v| &v.name).collect::<Vec<_>>()
    );
    let model = framework.model_for_proto_model(&proto)?;
    let model = model.with_input_fact(0, f32::fact(shape).into())?;
    model.into_optimized()?.into_runnable()
}
