/** Insert formats whose data is not text: sent to the engine as a file (FROM INFILE), not as SQL text. */
export const BINARY_FORMATS = new Set([
  'Native', 'RowBinary', 'RowBinaryWithNames', 'RowBinaryWithNamesAndTypes', 'RowBinaryWithDefaults', 'Parquet', 'Arrow',
  'ArrowStream', 'ORC', 'Avro', 'MsgPack', 'Protobuf', 'ProtobufSingle', 'ProtobufList', 'CapnProto', 'BSONEachRow', 'Npy',
]);
