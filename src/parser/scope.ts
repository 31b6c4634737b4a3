/** Variable name → struct tag ('' when declared with a non-struct type), innermost scope first. */
export class Scope {
  private vars = new Map<string, string>();
  constructor(private parent: Scope | null) {}
  declare(name: string, type: string | undefined): void {
    this.vars.set(name, type ?? '');
  }
  lookup(name: string): string | undefined {
    const t = this.vars.get(name);
    if (t !== undefined) return t === '' ? undefined : t;
    return this.parent?.lookup(name);
  }
}
