import { FormatRegistry } from '@sinclair/typebox';

// TypeBox's Value.Check refuses a string whose `format` it does not know. These are the string
// formats the CRDs use, checked as the Kubernetes API server checks them.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

if (!FormatRegistry.Has('byte')) FormatRegistry.Set('byte', (value) => BASE64.test(value));
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => RFC3339.test(value));
