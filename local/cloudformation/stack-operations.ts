/**
 * The stack operations: create, update and delete, resource by resource in dependency order, with CloudFormation's
 * statuses and events, update semantics (in place, replacement, cleanup phase) and rollback. See README.md for what
 * is simplified.
 */
import { randomUUID } from 'node:crypto';
import { resolveValue, type PhysicalResource, type ResolveContext } from './cfn-resolver';
import type { CustomResourceResponses } from './custom-resource-responses';
import type { CfnTemplate, ResourceStatus, StackRecord, StackResource, StackStatus, TemplateResource } from './model';
import { isCustomResourceType, NAMED_ONLY_TYPES } from './resource-types';
import { localClients, type LocalClients } from './resources/clients';
import { customNameReplacement, type ResourceContext } from './resources/handler';
import { handlerFor } from './resources/registry';
import { localUrls } from './resources/stepfunctions';
import { creationOrder, dependencies, dependsOnOf } from './template';
import { changedKeys } from './values';

const STACK_TYPE = 'AWS::CloudFormation::Stack';

/** A resource operation that failed: the stack operation stops and rolls back. */
class ResourceFailure extends Error {
  constructor(
    readonly logicalId: string,
    reason: string,
  ) {
    super(reason);
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class StackOperations {
  constructor(private readonly responses: CustomResourceResponses) {}

  private now(stack: StackRecord): number {
    return stack.env.clock.now();
  }

  private event(
    stack: StackRecord,
    e: { logicalId: string; physicalId: string; type: string; status: string; reason?: string; properties?: unknown },
  ): void {
    stack.events.push({
      EventId: randomUUID(),
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: e.logicalId,
      PhysicalResourceId: e.physicalId,
      ResourceType: e.type,
      Timestamp: new Date(this.now(stack)),
      ResourceStatus: e.status,
      ...(e.reason !== undefined && { ResourceStatusReason: e.reason }),
      ...(e.properties !== undefined && { ResourceProperties: JSON.stringify(e.properties) }),
    });
  }

  private setStatus(stack: StackRecord, status: StackStatus, reason?: string): void {
    stack.status = status;
    stack.statusReason = reason;
    this.event(stack, { logicalId: stack.name, physicalId: stack.id, type: STACK_TYPE, status, reason });
  }

  private resourceEvent(
    stack: StackRecord,
    id: string,
    type: string,
    physicalId: string,
    status: ResourceStatus,
    reason?: string,
    properties?: unknown,
  ): void {
    this.event(stack, { logicalId: id, physicalId, type, status, reason, properties });
  }

  private resolveContext(stack: StackRecord): ResolveContext {
    const resources = new Map<string, PhysicalResource>();
    for (const [id, r] of stack.resources) resources.set(id, r.physical);
    return {
      resources,
      region: stack.env.region,
      accountId: stack.env.accountId,
      stackName: stack.name,
      stackId: stack.id,
      parameters: stack.parameters,
    };
  }

  /** The resolved properties of a declared resource; named-only ones keep what cannot be resolved locally as is. */
  private resolveProperties(stack: StackRecord, id: string, declared: TemplateResource): Record<string, unknown> {
    const raw = declared.Properties ?? {};
    try {
      return resolveValue(raw, this.resolveContext(stack), id) as Record<string, unknown>;
    } catch (error) {
      if (NAMED_ONLY_TYPES.has(declared.Type) && !isCustomResourceType(declared.Type)) return { ...raw };
      throw error;
    }
  }

  private context(
    stack: StackRecord,
    clients: LocalClients,
    id: string,
    declared: TemplateResource,
    replacing = false,
  ): ResourceContext {
    return {
      env: stack.env,
      clients,
      stack: { id: stack.id, name: stack.name },
      logicalId: id,
      type: declared.Type,
      declared,
      resolve: this.resolveContext(stack),
      resources: stack.resources,
      responses: this.responses,
      replacing,
    };
  }

  private async createResource(
    stack: StackRecord,
    clients: LocalClients,
    id: string,
    declared: TemplateResource,
    replacing: boolean,
  ): Promise<StackResource> {
    const handler = handlerFor(declared.Type);
    let properties: Record<string, unknown> = declared.Properties ?? {};
    if (!replacing) this.resourceEvent(stack, id, declared.Type, '', 'CREATE_IN_PROGRESS', undefined, properties);
    try {
      properties = this.resolveProperties(stack, id, declared);
      const applied = await handler.create(this.context(stack, clients, id, declared, replacing), properties);
      const record: StackResource = {
        logicalId: id,
        type: declared.Type,
        physical: applied.physical,
        properties,
        dependsOn: dependsOnOf(declared),
        status: replacing ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
        updated: this.now(stack),
        ...(applied.local && { local: applied.local }),
      };
      if (!replacing) {
        this.resourceEvent(
          stack,
          id,
          declared.Type,
          applied.physical.ref,
          'CREATE_IN_PROGRESS',
          'Resource creation Initiated',
        );
        this.resourceEvent(stack, id, declared.Type, applied.physical.ref, 'CREATE_COMPLETE');
      }
      return record;
    } catch (error) {
      const reason = reasonOf(error);
      this.resourceEvent(stack, id, declared.Type, '', replacing ? 'UPDATE_FAILED' : 'CREATE_FAILED', reason);
      throw new ResourceFailure(id, reason);
    }
  }

  /** Deletes one resource; DELETE_SKIPPED when its DeletionPolicy retains it or local AWS cannot delete it. */
  private async deleteResource(
    stack: StackRecord,
    clients: LocalClients,
    record: StackResource,
    declared: TemplateResource | undefined,
    retain: boolean,
  ): Promise<void> {
    const { logicalId: id, type } = record;
    if (retain) {
      this.resourceEvent(stack, id, type, record.physical.ref, 'DELETE_SKIPPED');
      return;
    }
    this.resourceEvent(stack, id, type, record.physical.ref, 'DELETE_IN_PROGRESS');
    try {
      const decl = declared ?? { Type: type, Properties: { ...record.properties } };
      const outcome = await handlerFor(type).delete(this.context(stack, clients, id, decl), record);
      if (outcome && outcome.skipped !== undefined) {
        this.resourceEvent(stack, id, type, record.physical.ref, 'DELETE_SKIPPED', outcome.skipped);
      } else {
        this.resourceEvent(stack, id, type, record.physical.ref, 'DELETE_COMPLETE');
      }
    } catch (error) {
      const reason = reasonOf(error);
      this.resourceEvent(stack, id, type, record.physical.ref, 'DELETE_FAILED', reason);
      throw new ResourceFailure(id, reason);
    }
  }

  private outputs(stack: StackRecord, template: CfnTemplate): Record<string, string> {
    const ctx = this.resolveContext(stack);
    const urls = localUrls(stack.env);
    return Object.fromEntries(
      Object.entries(template.Outputs ?? {}).flatMap(([name, output]) => {
        try {
          const value = resolveValue(output.Value, ctx, `Outputs.${name}`);
          return typeof value === 'string' || typeof value === 'number' ? [[name, urls(String(value))]] : [];
        } catch {
          return []; // outputs of named-only resources that have no local meaning (pipeline, topic…) are skipped
        }
      }),
    );
  }

  async create(stack: StackRecord, onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE'): Promise<void> {
    const clients = localClients(stack.env.endpoint, stack.env.region);
    this.setStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    const created: string[] = [];
    try {
      for (const id of creationOrder(stack.template)) {
        const declared = stack.template.Resources[id] as TemplateResource;
        stack.resources.set(id, await this.createResource(stack, clients, id, declared, false));
        created.push(id);
      }
      stack.outputs = this.outputs(stack, stack.template);
      this.setStatus(stack, 'CREATE_COMPLETE');
    } catch (error) {
      const failed = error instanceof ResourceFailure ? error.logicalId : undefined;
      if (onFailure === 'DO_NOTHING') {
        this.setStatus(stack, 'CREATE_FAILED', `The following resource(s) failed to create: [${failed ?? ''}]. `);
        return;
      }
      this.setStatus(
        stack,
        'ROLLBACK_IN_PROGRESS',
        `The following resource(s) failed to create: [${failed ?? ''}]. Rollback requested by user.`,
      );
      let rollbackFailed = false;
      for (const id of created.reverse()) {
        const record = stack.resources.get(id);
        if (!record) continue;
        try {
          await this.deleteResource(stack, clients, record, stack.template.Resources[id], false);
          stack.resources.delete(id);
        } catch {
          rollbackFailed = true;
        }
      }
      if (failed !== undefined) stack.resources.delete(failed);
      this.setStatus(stack, rollbackFailed ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE');
      if (onFailure === 'DELETE' && !rollbackFailed) await this.deleteAll(stack, clients);
    } finally {
      clients.destroy();
    }
  }

  async update(stack: StackRecord, template: CfnTemplate, templateBody: string, parameters: Record<string, string>) {
    const clients = localClients(stack.env.endpoint, stack.env.region);
    const oldTemplate = stack.template;
    const oldParameters = stack.parameters;
    const oldResources = new Map(stack.resources);
    stack.parameters = parameters;
    stack.lastUpdated = this.now(stack);
    this.setStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const added: string[] = [];
    /** Old physical resources replaced by new ones (deleted in cleanup, or restored by a rollback). */
    const replaced: Array<{ id: string; old: StackResource; inPlace: boolean }> = [];
    const updatedInPlace: string[] = [];
    try {
      for (const id of creationOrder(template)) {
        const declared = template.Resources[id] as TemplateResource;
        const current = stack.resources.get(id);
        if (!current) {
          added.push(id);
          stack.resources.set(id, await this.createResource(stack, clients, id, declared, false));
          continue;
        }
        const handler = handlerFor(declared.Type);
        let properties: Record<string, unknown>;
        try {
          properties = this.resolveProperties(stack, id, declared);
        } catch (error) {
          this.resourceEvent(stack, id, declared.Type, current.physical.ref, 'UPDATE_FAILED', reasonOf(error));
          throw new ResourceFailure(id, reasonOf(error));
        }
        const changed = current.type === declared.Type ? changedKeys(current.properties, properties) : ['Type'];
        if (changed.length === 0) continue;
        this.resourceEvent(stack, id, declared.Type, current.physical.ref, 'UPDATE_IN_PROGRESS', undefined, properties);
        const replacement = changed.includes('Type') || changed.some((k) => handler.replacementProperties.has(k));
        if (replacement) {
          const name = handler.customName?.(properties);
          if (name !== undefined && name === handler.customName?.(current.properties)) {
            const reason = customNameReplacement(name);
            this.resourceEvent(stack, id, declared.Type, current.physical.ref, 'UPDATE_FAILED', reason);
            throw new ResourceFailure(id, reason);
          }
          this.resourceEvent(
            stack,
            id,
            declared.Type,
            current.physical.ref,
            'UPDATE_IN_PROGRESS',
            'Requested update requires the creation of a new physical resource; hence creating one.',
          );
          const record = await this.createResource(stack, clients, id, declared, true);
          stack.resources.set(id, record);
          replaced.push({ id, old: current, inPlace: false });
          this.resourceEvent(
            stack,
            id,
            declared.Type,
            record.physical.ref,
            'UPDATE_IN_PROGRESS',
            'Resource creation Initiated',
          );
          this.resourceEvent(stack, id, declared.Type, record.physical.ref, 'UPDATE_COMPLETE');
          continue;
        }
        updatedInPlace.push(id);
        try {
          const applied = await handler.update(
            this.context(stack, clients, id, declared),
            current,
            properties,
            changed,
          );
          stack.resources.set(id, {
            ...current,
            physical: applied.physical,
            properties,
            dependsOn: dependsOnOf(declared),
            status: 'UPDATE_COMPLETE',
            updated: this.now(stack),
            ...(applied.local && { local: applied.local }),
          });
          if (applied.replacedOld) replaced.push({ id, old: current, inPlace: true });
          this.resourceEvent(stack, id, declared.Type, applied.physical.ref, 'UPDATE_COMPLETE');
        } catch (error) {
          this.resourceEvent(stack, id, declared.Type, current.physical.ref, 'UPDATE_FAILED', reasonOf(error));
          throw new ResourceFailure(id, reasonOf(error));
        }
      }
      stack.outputs = this.outputs(stack, template);
      stack.template = template;
      stack.templateBody = templateBody;
      this.setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      // Cleanup: old physical resources of replacements, then resources the new template removed (reverse order of
      // the old template's dependencies). A failed cleanup delete is reported and does not fail the update.
      for (const { id, old } of [...replaced].reverse()) {
        const retain = oldTemplate.Resources[id]?.UpdateReplacePolicy === 'Retain';
        await this.deleteResource(stack, clients, old, oldTemplate.Resources[id], retain).catch(() => undefined);
      }
      const removed = creationOrder(oldTemplate)
        .reverse()
        .filter((id) => template.Resources[id] === undefined);
      for (const id of removed) {
        const record = stack.resources.get(id);
        if (!record) continue;
        const retain = oldTemplate.Resources[id]?.DeletionPolicy === 'Retain';
        await this.deleteResource(stack, clients, record, oldTemplate.Resources[id], retain).catch(() => undefined);
        stack.resources.delete(id);
      }
      this.setStatus(stack, 'UPDATE_COMPLETE');
    } catch (error) {
      const failed = error instanceof ResourceFailure ? error.logicalId : '';
      await this.rollBackUpdate(stack, clients, {
        failed,
        oldTemplate,
        oldParameters,
        oldResources,
        added,
        replaced,
        updatedInPlace,
      });
    } finally {
      clients.destroy();
    }
  }

  /**
   * Update rollback: the resources updated in place get the previous template's (resolved) properties again, in
   * reverse order; replaced resources get their old physical resource back; the resources this update created
   * (added ones, replacements) are deleted in the rollback's cleanup phase.
   */
  private async rollBackUpdate(
    stack: StackRecord,
    clients: LocalClients,
    s: {
      failed: string;
      oldTemplate: CfnTemplate;
      oldParameters: Record<string, string>;
      oldResources: Map<string, StackResource>;
      added: string[];
      replaced: Array<{ id: string; old: StackResource; inPlace: boolean }>;
      updatedInPlace: string[];
    },
  ): Promise<void> {
    this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${s.failed}]. `);
    stack.parameters = s.oldParameters;
    let rollbackFailed = false;
    const newPhysical: StackResource[] = [];
    for (const id of [...s.updatedInPlace].reverse()) {
      const old = s.oldResources.get(id);
      const current = stack.resources.get(id);
      const declared = s.oldTemplate.Resources[id];
      if (!old || !current || !declared) continue;
      const changed = changedKeys(current.properties, old.properties);
      // A failed update may have changed part of the resource: its old properties are re-applied all the same.
      const attempted = id === s.failed ? Object.keys({ ...current.properties, ...old.properties }) : changed;
      if (attempted.length === 0) continue;
      this.resourceEvent(stack, id, old.type, current.physical.ref, 'UPDATE_IN_PROGRESS');
      try {
        const applied = await handlerFor(old.type).update(
          this.context(stack, clients, id, declared),
          current,
          { ...old.properties },
          attempted,
        );
        if (applied.replacedOld) newPhysical.push({ ...current, physical: current.physical });
        stack.resources.set(id, {
          ...old,
          physical: applied.physical,
          status: 'UPDATE_COMPLETE',
          updated: this.now(stack),
        });
        this.resourceEvent(stack, id, old.type, applied.physical.ref, 'UPDATE_COMPLETE');
      } catch (error) {
        rollbackFailed = true;
        this.resourceEvent(stack, id, old.type, current.physical.ref, 'UPDATE_FAILED', reasonOf(error));
      }
    }
    for (const { id, old, inPlace } of [...s.replaced].reverse()) {
      const current = stack.resources.get(id);
      if (current && !inPlace) newPhysical.push(current);
      if (!inPlace) stack.resources.set(id, old);
    }
    this.setStatus(stack, rollbackFailed ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    if (rollbackFailed) return;
    for (const record of newPhysical.reverse()) {
      await this.deleteResource(stack, clients, record, undefined, false).catch(() => undefined);
    }
    for (const id of [...s.added].reverse()) {
      const record = stack.resources.get(id);
      if (record) await this.deleteResource(stack, clients, record, undefined, false).catch(() => undefined);
      stack.resources.delete(id);
    }
    if (s.added.includes(s.failed)) stack.resources.delete(s.failed);
    this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
  }

  async delete(stack: StackRecord): Promise<void> {
    const clients = localClients(stack.env.endpoint, stack.env.region);
    try {
      await this.deleteAll(stack, clients);
    } finally {
      clients.destroy();
    }
  }

  /** Deletes every resource in reverse dependency order; what a failed resource depends on is kept. */
  private async deleteAll(stack: StackRecord, clients: LocalClients): Promise<void> {
    this.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    const graph = dependencies(stack.template);
    const failed: string[] = [];
    const keep = new Set<string>();
    const order = creationOrder(stack.template).reverse();
    for (const id of order) {
      const record = stack.resources.get(id);
      if (!record || keep.has(id)) continue;
      const declared = stack.template.Resources[id];
      try {
        await this.deleteResource(stack, clients, record, declared, declared?.DeletionPolicy === 'Retain');
        stack.resources.delete(id);
      } catch {
        failed.push(id);
        const mark = (d: string): void => {
          if (keep.has(d)) return;
          keep.add(d);
          for (const next of graph.get(d) ?? []) mark(next);
        };
        for (const d of graph.get(id) ?? []) mark(d);
      }
    }
    if (failed.length > 0) {
      this.setStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
      return;
    }
    stack.deleted = this.now(stack);
    this.setStatus(stack, 'DELETE_COMPLETE');
  }
}
