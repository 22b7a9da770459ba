import { ReadableStream, WritableStream, TransformStream, ByteLengthQueuingStrategy, CountQueuingStrategy,
  ReadableStreamDefaultReader, ReadableStreamBYOBReader, WritableStreamDefaultWriter, ReadableByteStreamController,
  ReadableStreamDefaultController, ReadableStreamBYOBRequest, WritableStreamDefaultController,
  TransformStreamDefaultController } from 'web-streams-polyfill';
export { ReadableStream, WritableStream, TransformStream, ByteLengthQueuingStrategy, CountQueuingStrategy,
  ReadableStreamDefaultReader, ReadableStreamBYOBReader, WritableStreamDefaultWriter, ReadableByteStreamController,
  ReadableStreamDefaultController, ReadableStreamBYOBRequest, WritableStreamDefaultController,
  TransformStreamDefaultController };
