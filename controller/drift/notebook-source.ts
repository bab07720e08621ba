/**
 * How a notebook's SOURCE export is compared with the content a spec asks for: Databricks puts a header
 * line first (its comment syntax differs per language) and may drop trailing whitespace, so both sides
 * are compared without them.
 */

import type { NotebookLanguage } from '../../lib/crds/databricks-notebook.js';

export type { NotebookLanguage };

/** The first line of a notebook's SOURCE export, per language (its line comment differs). */
export const SOURCE_HEADER: Readonly<Record<NotebookLanguage, string>> = {
  PYTHON: '# Databricks notebook source',
  R: '# Databricks notebook source',
  SCALA: '// Databricks notebook source',
  SQL: '-- Databricks notebook source',
};

/** Source text without the notebook header line a SOURCE export puts first, and without trailing space. */
export function withoutHeader(source: string, language: NotebookLanguage): string {
  const newline = source.indexOf('\n');
  const first = newline < 0 ? source : source.slice(0, newline);
  const body = first.trim() === SOURCE_HEADER[language] ? source.slice(newline + 1) : source;
  return body.trimEnd();
}

/** Whether a notebook's SOURCE export holds the same source as `desired`, header and trailing space aside. */
export function sameNotebookSource(exported: string, desired: string, language: NotebookLanguage): boolean {
  return withoutHeader(exported, language) === withoutHeader(desired, language);
}
