// `--model FILE`: which reader a model file goes to, decided by its first bytes (a zip is a
// Keras 3 .keras, an HDF5 signature a legacy Keras .h5, anything else is tried as ONNX's
// protobuf), and the one-line errors of a file that is none of them.
import { InputError } from '../../../lib/errors.ts';
import { LIMITS, readCapped } from '../../../lib/limits.ts';
import { ZIP_MAGIC } from '../zip.ts';
import { HDF5_MAGIC } from './keras-h5.ts';
import type { LoadedModel } from './model.ts';

const NPY_MAGIC = Buffer.from('\x93NUMPY', 'latin1');

export async function loadModel(path: string, headLayer?: string): Promise<LoadedModel> {
  const buf = await readCapped(path, { what: 'model', maxBytes: LIMITS.modelBytes });
  if (!buf.length) throw new InputError(`${path}: empty file, not a model`);
  // each format's reader loads when a model of it comes (protobuf and HDF5 decoders are start-up cost otherwise)
  if (buf.subarray(0, 4).equals(ZIP_MAGIC) || /\.keras$/i.test(path)) return (await import('./keras.ts')).loadKeras(path, buf, headLayer);
  if (buf.subarray(0, 8).equals(HDF5_MAGIC) || /\.(h5|hdf5)$/i.test(path)) {
    if (!buf.subarray(0, 8).equals(HDF5_MAGIC)) throw new InputError(`${path}: not a model: no HDF5 signature (a Keras .h5 is an HDF5 file)`);
    return (await import('./keras.ts')).loadKerasH5(path, buf, headLayer);
  }
  if (buf.subarray(0, 6).equals(NPY_MAGIC)) throw new InputError(`${path}: not a model: a NumPy .npy array (give it to --model-inputs or --input-vectors)`);
  return (await import('./onnx.ts')).loadOnnx(path, buf, headLayer);
}
