import {benchRender} from './render.js';
await benchRender();
