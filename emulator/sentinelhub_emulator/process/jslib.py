"""JavaScript evaluated before every evalscript: the service's global helpers and the driver.

``PRELUDE`` defines the documented constants and utility functions an evalscript may call, guards
the typed-array constructors (buffers live outside V8's heap limit, so each allocation is capped),
and the ``__sh`` object through which Python allocates shared buffers and calls the hooks.
Errors the driver raises carry the ``__SH__:`` prefix, so that Python reports them without a
misleading line number.
"""

from __future__ import annotations

import json

__all__ = ["DRIVER_ERROR_PREFIX", "HOOKS", "PRELUDE"]

DRIVER_ERROR_PREFIX = "__SH__:"
#: The functions an evalscript may define that the emulator calls.
HOOKS = ("setup", "evaluatePixel", "preProcessScenes", "updateOutput", "updateOutputMetadata")

PRELUDE = r"""
var __sh = (function () {
  "use strict";
  const G = globalThis;
  const TYPES = {
    u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array,
    u32: Uint32Array, i32: Int32Array, f32: Float32Array, f64: Float64Array,
  };
  const bufs = {};
  // The hooks an evalscript may define, in the order a reusable context's wrapper returns them.
  const HOOKS = __HOOKS__;
  let marked = new Map();
  function sameProperty(a, b) {
    return Object.is(a.value, b.value) && a.get === b.get && a.set === b.set &&
      a.writable === b.writable && a.enumerable === b.enumerable &&
      a.configurable === b.configurable;
  }
  const Buffer = ArrayBuffer;  // the constructor itself, before the guard below replaces it
  let allocLimit = 0;
  // The ArrayBuffer of the request's typed arrays, and the one a reusable context kept from its
  // last request for the next of the same size (see ``reset``).
  let last = null;
  let spare = null;
  function fail(message) { throw new Error("__SH__:" + message); }
  function guard(Ctor, bytesPer) {
    const wrapped = new Proxy(Ctor, {
      construct(target, args, newTarget) {
        const first = args[0];
        if (typeof first === "number" && allocLimit > 0 && first * bytesPer > allocLimit) {
          throw new RangeError("Array buffer allocation of " + first * bytesPer +
            " bytes exceeds the evalscript memory limit of " + allocLimit + " bytes");
        }
        return Reflect.construct(target, args, newTarget === wrapped ? target : newTarget);
      },
    });
    return wrapped;
  }
  for (const key of Object.keys(TYPES)) {
    const Ctor = TYPES[key];
    G[Ctor.name] = guard(Ctor, Ctor.BYTES_PER_ELEMENT);
  }
  G.ArrayBuffer = guard(ArrayBuffer, 1);
  if (typeof SharedArrayBuffer !== "undefined") G.SharedArrayBuffer = guard(SharedArrayBuffer, 1);
  return {
    TYPES: TYPES,
    bufs: bufs,
    fail: fail,
    setAllocLimit(bytes) { allocLimit = bytes; },
    alloc(key, type, n) { const a = new TYPES[type](n); bufs[key] = a; return a.buffer; },
    allocMany(specs, bytes) {
      let buffer;
      if (spare !== null && spare.byteLength === bytes) {
        buffer = spare;
        new Uint8Array(buffer).fill(0);
      } else {
        buffer = new Buffer(bytes);
      }
      spare = null;
      last = buffer;
      for (const [key, type, n, offset] of specs) bufs[key] = new TYPES[type](buffer, offset, n);
      return buffer;
    },
    release() { for (const k of Object.keys(bufs)) delete bufs[k]; },
    outputMetadata: {},
    // A reusable context (see script.py): ``script`` is the evalscript wrapped in a function,
    // ``begin`` runs its top-level code in a fresh scope and puts its hooks on the global object,
    // ``reset`` puts the global object back as ``mark`` saw it and drops the request's state,
    // keeping the request's ArrayBuffer for the next ``allocMany`` if it has at most
    // ``keepBytes`` bytes.
    script: null,
    compiles(text) {
      try { new Function(text); return true; } catch (e) { return false; }
    },
    begin() {
      const found = this.script.call(G);
      for (let i = 0; i < HOOKS.length; i++) {
        if (found[i] !== undefined) G[HOOKS[i]] = found[i];
      }
    },
    mark() {
      marked = new Map();
      for (const key of Reflect.ownKeys(G)) {
        marked.set(key, Reflect.getOwnPropertyDescriptor(G, key));
      }
    },
    reset(keepBytes) {
      spare = last !== null && last.byteLength <= keepBytes ? last : null;
      last = null;
      let clean = Object.isExtensible(G);
      for (const key of Reflect.ownKeys(G)) {
        const before = marked.get(key);
        if (before === undefined) {
          clean = Reflect.deleteProperty(G, key) && clean;
        } else if (!sameProperty(before, Reflect.getOwnPropertyDescriptor(G, key))) {
          clean = Reflect.defineProperty(G, key, before) && clean;
        }
      }
      for (const [key, before] of marked) {
        if (Reflect.getOwnPropertyDescriptor(G, key) === undefined) {
          clean = Reflect.defineProperty(G, key, before) && clean;
        }
      }
      this.release();
      this.outputMetadata = {};
      this.scenes = this.inputMetadata = this.uoOut = undefined;
      return clean;
    },
    json(value) {
      return JSON.stringify(value === undefined ? null : value, function (k, v) {
        return v instanceof Date ? v.toISOString() : v;
      });
    },
  };
})();

var Mosaicking = { SIMPLE: "SIMPLE", ORBIT: "ORBIT", TILE: "TILE" };
var SampleType = {
  INT8: "INT8", UINT8: "UINT8", INT16: "INT16", UINT16: "UINT16", FLOAT32: "FLOAT32",
  AUTO: "AUTO",
};
var JAVA_DOUBLE_MAX_VAL = 1.7976931348623157e308;

function index(x, y) { return x + y === 0 ? 0 : (x - y) / (x + y); }
function inverse(x) { return x === 0 ? JAVA_DOUBLE_MAX_VAL : 1 / x; }
function int2rgb(c) { return [(c >> 16) & 255, (c >> 8) & 255, c & 255]; }
function rgb2int(rgb) { return (rgb[0] << 16) + (rgb[1] << 8) + rgb[2]; }
function normalizeRGB(rgb) { return rgb.map(function (v) { return v / 255; }); }
function combine(c1, c2, alpha) {
  return c1.map(function (v, i) { return v * alpha + c2[i] * (1 - alpha); });
}
function __shColor(c) {
  return typeof c === "number" ? normalizeRGB(int2rgb(c)) : c;
}
function __shLerp(a, b, t) {
  if (typeof a === "number") return a + (b - a) * t;
  return a.map(function (v, i) { return v + (b[i] - v) * t; });
}
function valueInterpolate(value, intervals, values) {
  if (value <= intervals[0]) return values[0];
  const last = intervals.length - 1;
  if (value >= intervals[last]) return values[last];
  for (let i = 1; i <= last; i++) {
    if (value <= intervals[i]) {
      const t = (value - intervals[i - 1]) / (intervals[i] - intervals[i - 1]);
      return __shLerp(values[i - 1], values[i], t);
    }
  }
  return values[last];
}
function colorBlend(value, limits, colors) { return valueInterpolate(value, limits, colors); }
function ColorRampVisualizer(ramps, minVal, maxVal) {
  this.ramps = ramps.map(function (r) { return [r[0], __shColor(r[1])]; });
  this.minVal = minVal; this.maxVal = maxVal;
}
ColorRampVisualizer.prototype.process = function (value) {
  let v = value;
  if (this.minVal !== undefined && this.maxVal !== undefined) {
    const lo = this.ramps[0][0], hi = this.ramps[this.ramps.length - 1][0];
    v = lo + (value - this.minVal) / (this.maxVal - this.minVal) * (hi - lo);
  }
  return valueInterpolate(v, this.ramps.map(function (r) { return r[0]; }),
    this.ramps.map(function (r) { return r[1]; }));
};
function ColorMapVisualizer(pairs) {
  this.pairs = pairs.map(function (p) { return [p[0], __shColor(p[1])]; });
}
(function () {
  const missing = ["valueMap", "ColorGradientVisualizer", "HighlightCompressVisualizer",
    "decodeS3OLCIQualityFlags", "decodeL8C2Qa"];
  for (const name of missing) {
    globalThis[name] = function () {
      throw new Error("__SH__:" + name + " is not supported by the emulator (see its docs)");
    };
  }
  for (const name of ["blueRed", "redTemperature", "greenWhite", "oceanColor"]) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        throw new Error("__SH__:" + name + " is not supported by the emulator (see its docs)");
      },
    });
  }
})();
ColorMapVisualizer.prototype.process = function (value) {
  let color = this.pairs[0][1];
  for (const pair of this.pairs) { if (pair[0] <= value) color = pair[1]; }
  return color;
};
""".replace("__HOOKS__", json.dumps(list(HOOKS)))
