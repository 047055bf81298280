/**
 * The bundle's entry: plain CommonJS exports (`require('@mgops/sdk-miniprogram').mg`), written
 * here so the bundler adds no ES-module interop code to the shipped file.
 */
import { mg } from './index.js';

declare const module: { exports: unknown };
module.exports = { mg, default: mg };
