import type { Collections, DepartmentDoc } from '../db/collections.js';
import { newId } from '../db/ids.js';

export type Department = Omit<DepartmentDoc, '_id' | 'createdAt' | 'businessHours'> & {
  id: string;
  businessHours?: DepartmentDoc['businessHours'];
};

function toDepartment(doc: DepartmentDoc): Department {
  const { _id, createdAt: _createdAt, ...rest } = doc;
  return { id: _id, ...rest };
}

export function createDepartmentRepository(c: Collections) {
  return {
    async create(input: Omit<Department, 'id'>, now: Date): Promise<Department> {
      const doc: DepartmentDoc = { _id: newId(), ...input, createdAt: now };
      await c.departments.insertOne(doc);
      return toDepartment(doc);
    },
    async listBySite(siteId: string): Promise<Department[]> {
      return (await c.departments.find({ siteId }).toArray()).map(toDepartment);
    },
    async findById(id: string): Promise<Department | null> {
      const doc = await c.departments.findOne({ _id: id });
      return doc ? toDepartment(doc) : null;
    },
  };
}
export type DepartmentRepository = ReturnType<typeof createDepartmentRepository>;
